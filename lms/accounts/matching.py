"""Find an agency from what people type in rosters and lists: its code, name or an alias.

Names are compared after NFC, trimming, collapsing spaces and case-folding, so "UBND huyện Bình
Xuyên", "ubnd  huyện bình xuyên" and the NFD spelling all find the agency that lists that alias.
"""

import difflib

from lms.core.text import nfc

from .models import Agency


def agency_key(text: str) -> str:
    return nfc(text).casefold()


class AgencyMatcher:
    """One directory read per import: codes, names and aliases of every agency in memory.

    A name or alias two agencies share ("Xã Tân Phong" in two districts, an alias listed
    twice) finds neither: `clashing` lists them so the person can give the code instead.
    Agencies that one merged into the other are not a clash: the surviving one is found."""

    def __init__(self, agencies=None):
        agencies = list(Agency.objects.all() if agencies is None else agencies)
        self.by_pk = {agency.pk: agency for agency in agencies}
        self.by_code = {agency.code.casefold(): agency for agency in agencies}
        names: dict[str, list[Agency]] = {}
        aliases: dict[str, list[Agency]] = {}
        for agency in agencies:
            names.setdefault(agency_key(agency.name), []).append(agency)
            for alias in agency.aliases or []:
                aliases.setdefault(agency_key(alias), []).append(agency)
        self.by_name: dict[str, Agency] = {}
        self.clashes: dict[str, list[Agency]] = {}
        # An agency's own name wins over another agency's alias.
        for key, found in {**aliases, **names}.items():
            found = self._distinct(found)
            if len(found) == 1:
                self.by_name[key] = found[0]
            else:
                self.clashes[key] = found

    def _surviving(self, agency: Agency) -> Agency:
        seen = set()
        while agency.merged_into_id in self.by_pk and agency.pk not in seen:
            seen.add(agency.pk)
            agency = self.by_pk[agency.merged_into_id]
        return agency

    def _distinct(self, found: list[Agency]) -> list[Agency]:
        """One agency per surviving agency: itself when it is among them."""
        groups: dict[int, Agency] = {}
        for agency in found:
            surviving = self._surviving(agency)
            if surviving.pk not in groups or agency.pk == surviving.pk:
                groups[surviving.pk] = agency
        return list(groups.values())

    def find(self, *, name: str = "", code: str = "") -> Agency | None:
        """The agency with this code (which wins when given), else with this name or alias;
        None for a name two agencies share."""
        if code:
            return self.by_code.get(nfc(code).casefold())
        return self.by_name.get(agency_key(name)) if name else None

    def clashing(self, name: str) -> list[str]:
        """The agencies that share this name or alias, as "name – parent (code)"."""
        labels = []
        for agency in self.clashes.get(agency_key(name), []):
            parent = self.by_pk.get(agency.parent_id)
            label = f"{agency.name} – {parent.name}" if parent else agency.name
            labels.append(f"{label} ({agency.code})")
        return sorted(labels)

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The closest names, for "did you mean" in an error message."""
        keys = difflib.get_close_matches(agency_key(name), self.by_name, n=limit * 2, cutoff=0.6)
        names = dict.fromkeys(self.by_name[key].name for key in keys)
        return list(names)[:limit]
