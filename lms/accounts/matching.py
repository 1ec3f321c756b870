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
    """One directory read per import: codes, names and aliases of every agency in memory."""

    def __init__(self, agencies=None):
        agencies = list(Agency.objects.all() if agencies is None else agencies)
        self.by_code = {agency.code.casefold(): agency for agency in agencies}
        self.by_name: dict[str, Agency] = {}
        # Aliases first, so an agency's own name wins over another agency's alias.
        for agency in agencies:
            for alias in agency.aliases or []:
                self.by_name.setdefault(agency_key(alias), agency)
        for agency in agencies:
            self.by_name[agency_key(agency.name)] = agency

    def find(self, *, name: str = "", code: str = "") -> Agency | None:
        """The agency with this code (which wins when given), else with this name or alias."""
        if code:
            return self.by_code.get(nfc(code).casefold())
        return self.by_name.get(agency_key(name)) if name else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The closest names, for "did you mean" in an error message."""
        keys = difflib.get_close_matches(agency_key(name), self.by_name, n=limit * 2, cutoff=0.6)
        names = dict.fromkeys(self.by_name[key].name for key in keys)
        return list(names)[:limit]
