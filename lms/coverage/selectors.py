"""Coverage numbers: one GROUP BY query per measure, rolled up through the agency tree.

Each user belongs to exactly one agency, so COUNT(DISTINCT user) per agency can be summed up the
tree without counting anybody twice. The tree is read once; merged agencies report under the
agency they merged into, while their users keep the agency they were trained in.

The roll-up is plain Python over the GROUP BY results (a few thousand agencies at most; the
counting stays in PostgreSQL): a web worker that builds the dashboard, the admin report, the API
list or a small export loads no pandas or numpy, which would cost it over 100 MiB for good.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from courses.certificates.models import Certificate
from courses.learning.models import Enrolment, EnrolmentStatus
from courses.learning.pages import Track
from lms.accounts.models import Agency, AgencyKind, User
from lms.core.text import vietnamese_sort_key, vietnamese_title_key

from .models import CoverageSnapshot, TrainingPlan

EXPIRY_WARNING_DAYS = 90
DEFAULT_THRESHOLD_PCT = 50
MEASURES = ("enrolled", "completed", "certified", "expiring")


@dataclass(frozen=True)
class CoverageFilter:
    """What to count. Dates are calendar days in the site's time zone, both ends included."""

    track: str = ""
    course_id: int | None = None
    edition: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    kind: str = ""
    # When certificates are judged valid; defaults to the end of `until` (or now if sooner).
    as_of: dt.datetime | None = None

    def moment(self) -> dt.datetime:
        now = timezone.now()
        if self.as_of is not None:
            return self.as_of
        if self.until is not None:
            return min(now, _day_start(self.until + dt.timedelta(days=1)))
        return now

    def plan_year(self) -> int:
        """The year whose training plan sets the targets: the period's end, else its start,
        else this year."""
        day = self.until or self.since or timezone.localdate()
        return day.year

    def to_params(self) -> dict:
        """JSON-safe form, for background export jobs."""
        params = asdict(self)
        for key in ("since", "until", "as_of"):
            if params[key] is not None:
                params[key] = params[key].isoformat()
        return params

    @classmethod
    def from_params(cls, params: dict) -> CoverageFilter:
        values = dict(params)
        for key in ("since", "until"):
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        if values.get("as_of"):
            values["as_of"] = dt.datetime.fromisoformat(values["as_of"])
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class CoverageRow:
    """One agency's line of the coverage table; coverage_pct is None when the target is 0.

    own_target and own_certified count the agency and those merged into it, without
    sub-agencies: the chart by agency kind sums them without counting anybody twice.
    """

    id: int
    code: str
    name: str
    kind: str
    parent: str
    merged_into: str = ""  # the successor's name once the agency has merged
    target: int = 0
    enrolled: int = 0
    completed: int = 0
    certified: int = 0
    expiring: int = 0
    coverage_pct: float | None = None
    own_target: int = 0
    own_certified: int = 0


# Distinct users per agency id for each measure: {agency_id: {"enrolled": 3, ...}}.
Counts = dict[int, dict[str, int]]


@dataclass
class AgencyTree:
    """Every agency, read in one query, with where each one reports today."""

    agencies: dict[int, dict] = field(default_factory=dict)  # id -> row, in the order read
    reporting: dict[int, int] = field(default_factory=dict)  # id -> surviving agency id
    chains: dict[int, list[int]] = field(default_factory=dict)  # surviving id -> self..root

    def by_code(self, code: str) -> int | None:
        return next((i for i, row in self.agencies.items() if row["code"] == code), None)

    def subtree(self, agency_id: int) -> set[int]:
        """The agency, its sub-agencies and every agency merged into any of them."""
        root = self.reporting.get(agency_id, agency_id)
        return {
            raw for raw, surviving in self.reporting.items() if root in self.chains[surviving]
        } | {agency_id}

    def roots(self) -> list[int]:
        """Surviving agencies with no parent: the province."""
        return [
            agency_id
            for agency_id, chain in self.chains.items()
            if len(chain) == 1 and self.reporting[agency_id] == agency_id
        ]

    def pairs(self, ids) -> list[tuple[int, int]]:
        """(agency_id, ancestor_id) for each raw agency id: the rows its people count in."""
        return [
            (raw, ancestor)
            for raw in ids
            if raw in self.reporting
            for ancestor in self.chains[self.reporting[raw]]
        ]

    def name_of(self, agency_id: int | None) -> str:
        row = self.agencies.get(agency_id)
        return row["name"] if row else ""

    def row_for(self, agency_id: int) -> CoverageRow:
        """The agency's line with its names filled in and every number at 0."""
        agency = self.agencies[agency_id]
        return CoverageRow(
            id=agency_id,
            code=agency["code"],
            name=agency["name"],
            kind=agency["kind"],
            parent=self.name_of(agency["parent_id"]),
            merged_into=self.name_of(agency["merged_into_id"]),
        )


AGENCY_COLUMNS = (
    "id",
    "code",
    "name",
    "kind",
    "parent_id",
    "merged_into_id",
    "target_headcount",
    "is_active",
)


def load_agency_tree() -> AgencyTree:
    return build_agency_tree(list(Agency.objects.order_by().values(*AGENCY_COLUMNS)))


def build_agency_tree(records: list[dict]) -> AgencyTree:
    """The tree from agency rows (AGENCY_COLUMNS): pure, so mergers are testable without a DB.

    A merged agency reports to the end of its `merged_into` chain; a surviving agency's chain
    climbs its current parents, each replaced by where that parent reports.
    """
    agencies = {r["id"]: r for r in records}
    merged_into = {r["id"]: r["merged_into_id"] for r in records}
    parent = {r["id"]: r["parent_id"] for r in records}

    def surviving(agency_id):
        seen = set()
        while merged_into.get(agency_id) and agency_id not in seen:
            seen.add(agency_id)
            agency_id = merged_into[agency_id]
        return agency_id

    reporting = {agency_id: surviving(agency_id) for agency_id in merged_into}
    chains = {}
    for agency_id in set(reporting.values()):
        chain, current = [], agency_id
        while current is not None and current not in chain:
            chain.append(current)
            up = parent.get(current)
            current = reporting.get(up) if up is not None else None
        chains[agency_id] = chain
    return AgencyTree(agencies=agencies, reporting=reporting, chains=chains)


def _course_filter(filters: CoverageFilter) -> Q:
    q = Q()
    if filters.track:
        q &= Q(course__track=filters.track)
    if filters.course_id:
        q &= Q(course_id=filters.course_id)
    if filters.edition:
        q &= Q(course__edition=filters.edition)
    return q


def _period(field_name: str, filters: CoverageFilter) -> Q:
    q = Q()
    if filters.since:
        q &= Q(**{f"{field_name}__gte": _day_start(filters.since)})
    if filters.until:
        q &= Q(**{f"{field_name}__lt": _day_start(filters.until + dt.timedelta(days=1))})
    return q


def _count_by_agency(queryset, scope: set[int] | None, counts: Counts, **measures: Q) -> None:
    """COUNT(DISTINCT user_id) per user agency for each measure's condition, in one GROUP BY,
    added to `counts`."""
    if scope is not None:
        queryset = queryset.filter(user__agency_id__in=scope)
    rows = (
        queryset.filter(user__agency_id__isnull=False)
        .order_by()
        .values("user__agency_id")
        .annotate(
            **{
                name: Count("user_id", distinct=True, filter=condition)
                for name, condition in measures.items()
            }
        )
        .values_list("user__agency_id", *measures)
    )
    for agency_id, *numbers in rows:
        counts.setdefault(agency_id, dict.fromkeys(MEASURES, 0)).update(
            zip(measures, numbers, strict=True)
        )


def measure_counts(filters: CoverageFilter, scope: set[int] | None = None) -> Counts:
    """Distinct users per raw agency id for each measure (0 where the agency has none).

    Two GROUP BY queries: enrolments (enrolled, completed) and certificates (certified,
    expiring); each measure is a filtered COUNT(DISTINCT user_id) over the same scan.
    """
    courses = _course_filter(filters)
    moment = filters.moment()
    counts: Counts = {}
    _count_by_agency(
        Enrolment.objects.filter(courses),
        scope,
        counts,
        enrolled=_period("created_at", filters) & ~Q(status=EnrolmentStatus.WITHDRAWN),
        completed=_period("completed_at", filters) & Q(completed_at__isnull=False),
    )
    _count_by_agency(
        Certificate.objects.valid_at(moment).filter(courses),
        scope,
        counts,
        certified=Q(),
        expiring=Q(expires_at__lte=moment + dt.timedelta(days=EXPIRY_WARNING_DAYS)),
    )
    return counts


def roll_up(tree: AgencyTree, counts: Counts) -> Counts:
    """Sum per-agency counts into every agency they report under (self, parent, ...)."""
    rolled: Counts = {}
    for agency_id, ancestor in tree.pairs(counts):
        numbers = counts[agency_id]
        sums = rolled.setdefault(ancestor, dict.fromkeys(numbers, 0))
        for name, value in numbers.items():
            sums[name] += value
    return rolled


def coverage_by_agency(
    filters: CoverageFilter, *, tree: AgencyTree | None = None, scope: set[int] | None = None
) -> list[CoverageRow]:
    """One row per active, surviving agency (within scope), in the order the tree was read.

    Targets of merged or closed agencies are history: the survivor's target counts today.
    """
    tree = tree or load_agency_tree()
    counts = measure_counts(filters, scope)
    rolled = roll_up(tree, counts)
    surviving = [
        agency_id
        for agency_id, reporting in tree.reporting.items()
        if reporting == agency_id and tree.agencies[agency_id]["is_active"]
    ]
    own_targets = _own_targets(
        {agency_id: tree.agencies[agency_id]["target_headcount"] for agency_id in surviving},
        filters,
    )
    rolled_target = roll_up(tree, {i: {"target": t} for i, t in own_targets.items()})
    own_certified: dict[int, int] = {}
    for agency_id, numbers in counts.items():
        if agency_id in tree.reporting:
            survivor = tree.reporting[agency_id]
            own_certified[survivor] = own_certified.get(survivor, 0) + numbers["certified"]
    rows = []
    for agency_id in surviving:
        if scope is not None and agency_id not in scope:
            continue
        row = tree.row_for(agency_id)
        row.target = rolled_target.get(agency_id, {}).get("target", 0)
        for measure, value in rolled.get(agency_id, {}).items():
            setattr(row, measure, value)
        row.own_target = own_targets[agency_id]
        row.own_certified = own_certified.get(agency_id, 0)
        row.coverage_pct = coverage_pct(row.certified, row.target)
        if not filters.kind or row.kind == filters.kind:
            rows.append(row)
    return rows


def _own_targets(headcounts: dict[int, int], filters: CoverageFilter) -> dict[int, int]:
    """Each agency's own target: its training-plan line for the track and year when there is
    one, else its headcount. Plans are per track, so all tracks together use headcounts."""
    if not filters.track:
        return headcounts
    plans = dict(
        TrainingPlan.objects.filter(track=filters.track, year=filters.plan_year())
        .order_by()
        .values_list("agency_id", "target")
    )
    return {agency_id: plans.get(agency_id, own) for agency_id, own in headcounts.items()}


def coverage_pct(certified: int, target: int) -> float | None:
    """certified ÷ target × 100 to one decimal, None without a target.

    Rounded as the figures have always been (half to even on the value × 10, as numpy rounds):
    1 993 of 2 000 is 99.6 %, where round(99.65, 1) would say 99.7 %.
    """
    if target <= 0:
        return None
    return round(certified / target * 100 * 10) / 10


def sort_by_coverage(rows: list[CoverageRow]) -> list[CoverageRow]:
    """Lowest coverage first; agencies without a target last; ties by name in Vietnamese
    alphabetical order (Đ after D, not after Z)."""
    name_keys = {name: vietnamese_title_key(name) for name in {row.name for row in rows}}

    def key(row: CoverageRow):
        pct = row.coverage_pct
        return (pct is None, pct or 0.0, name_keys[row.name])

    return sorted(rows, key=key)


def coverage_totals(rows: list[CoverageRow], tree: AgencyTree, scope: set[int] | None) -> dict:
    """Numbers of the whole scope: the rolled-up rows of its top agencies."""
    if scope is None:
        top = set(tree.roots())
    else:
        top = {row.id for row in rows if tree.agencies[row.id]["parent_id"] not in scope}
    chosen = [row for row in rows if row.id in top]
    totals = {c: sum(getattr(row, c) for row in chosen) for c in ("target", *MEASURES)}
    totals["coverage_pct"] = (
        round(totals["certified"] / totals["target"] * 100, 1) if totals["target"] else None
    )
    return totals


def coverage_by_kind(rows: list[CoverageRow]) -> list[tuple[str, float | None]]:
    """Coverage of each agency kind from each agency's own people (no double counting)."""
    result = []
    for kind, label in AgencyKind.choices:
        of_kind = [row for row in rows if row.kind == kind]
        if not of_kind:
            continue
        target = sum(row.own_target for row in of_kind)
        certified = sum(row.own_certified for row in of_kind)
        result.append((str(label), round(certified / target * 100, 1) if target else None))
    return result


def coverage_gaps(rows: list[CoverageRow], threshold_pct: float) -> dict[str, list[CoverageRow]]:
    return {
        "none_certified": [row for row in rows if row.certified == 0],
        "expiring": [row for row in rows if row.expiring > 0],
        "below_threshold": [
            row for row in rows if row.coverage_pct is not None and row.coverage_pct < threshold_pct
        ],
    }


@dataclass
class RoleGap:
    """A person whose role the agency's plan requires to hold tracks they do not hold."""

    user: User
    agency_name: str
    missing: list[str]  # track codes


def role_gaps(filters: CoverageFilter, tree: AgencyTree, scope: set[int] | None) -> list[RoleGap]:
    """People (e.g. every ISO secretary) whom a plan line of the year requires to hold a track
    and who hold no valid certificate of it; sorted by given name. Three queries."""
    plans = TrainingPlan.objects.filter(year=filters.plan_year()).exclude(required_role="")
    if filters.track:
        plans = plans.filter(track=filters.track)
    if scope is not None:
        plans = plans.filter(agency_id__in=scope)
    required: dict[tuple[int, str], set[str]] = {}
    for agency_id, role, track in plans.values_list("agency_id", "required_role", "track"):
        required.setdefault((agency_id, role), set()).add(track)
    if not required:
        return []
    reports_to = tree.reporting
    people = [
        user
        for user in User.objects.filter(
            is_active=True, groups__name__in={role for _id, role in required}
        )
        .select_related("agency")
        .prefetch_related("groups")
        .distinct()
        if user.agency_id in reports_to
    ]
    held: dict[int, set[str]] = {}
    for user_id, track in (
        Certificate.objects.valid_at(filters.moment())
        .filter(user__in=people)
        .values_list("user_id", "course__track")
    ):
        held.setdefault(user_id, set()).add(track)
    gaps = []
    for user in people:
        agency_id = reports_to[user.agency_id]
        tracks = set()
        for group in user.groups.all():
            tracks |= required.get((agency_id, group.name), set())
        missing = sorted(tracks - held.get(user.pk, set()), key=list(Track.values).index)
        if missing:
            gaps.append(RoleGap(user, user.agency.name, missing))
    return sorted(gaps, key=lambda gap: vietnamese_sort_key(gap.user.full_name))


# Snapshots ------------------------------------------------------------------------------------


def snapshot_months() -> list[dt.date]:
    return list(
        CoverageSnapshot.objects.order_by("-month").values_list("month", flat=True).distinct()
    )


def coverage_from_snapshots(
    month: dt.date, *, track: str = "", tree: AgencyTree, scope: set[int] | None = None
) -> list[CoverageRow]:
    """The table as it was stored for `month`, in the same shape as coverage_by_agency.

    A month stored before a merger lists the agency that has merged since: its row says where
    it went (merged_into)."""
    stored = {
        row["agency_id"]: row
        for row in CoverageSnapshot.objects.filter(month=month, track=track).values(
            "agency_id", "target", "enrolled", "completed", "certified"
        )
    }
    rows = []
    for agency_id in tree.agencies:
        if agency_id not in stored or (scope is not None and agency_id not in scope):
            continue
        row = tree.row_for(agency_id)
        numbers = stored[agency_id]
        row.target, row.enrolled = numbers["target"], numbers["enrolled"]
        row.completed, row.certified = numbers["completed"], numbers["certified"]
        row.own_target = tree.agencies[agency_id]["target_headcount"]
        row.own_certified = row.certified
        row.coverage_pct = coverage_pct(row.certified, row.target)
        rows.append(row)
    return rows


def coverage_trend(*, track: str, agency_ids: list[int]) -> list[tuple[dt.date, float | None]]:
    """Coverage by month of the given agencies together, from stored snapshots."""
    rows = (
        CoverageSnapshot.objects.filter(track=track, agency_id__in=agency_ids)
        .order_by("month")
        .values("month", "target", "certified")
    )
    by_month: dict[dt.date, list[int]] = {}
    for row in rows:
        sums = by_month.setdefault(row["month"], [0, 0])
        sums[0] += row["target"]
        sums[1] += row["certified"]
    return [
        (month, round(certified / target * 100, 1) if target else None)
        for month, (target, certified) in by_month.items()
    ]


# Drill-down -----------------------------------------------------------------------------------

STATUS_ORDER = {"": 0, "enrolled": 1, "completed": 2, "certified": 3}


@dataclass
class TrackStatus:
    status: str = ""  # "", enrolled, completed, certified
    expires_at: dt.datetime | None = None


@dataclass
class TraineeCoverage:
    user: User
    tracks: dict[str, TrackStatus]


def agency_trainees(agency_ids: set[int], filters: CoverageFilter) -> list[TraineeCoverage]:
    """People of the agencies with their furthest status per track, sorted by given name."""
    tracks = [filters.track] if filters.track else list(Track.values)
    users = list(
        User.objects.filter(agency_id__in=agency_ids, is_active=True)
        .select_related("agency__merged_into")
        .only("id", "full_name", "email", "position", "agency__name", "agency__merged_into__name")
    )
    by_user = {u.pk: TraineeCoverage(u, {t: TrackStatus() for t in tracks}) for u in users}
    courses = _course_filter(filters)

    def raise_to(user_id, track, status, expires_at=None):
        entry = by_user.get(user_id)
        if entry is None or track not in entry.tracks:
            return
        current = entry.tracks[track]
        if STATUS_ORDER[status] > STATUS_ORDER[current.status]:
            entry.tracks[track] = TrackStatus(status, expires_at)
        elif (
            # Keep the certificate that lasts longest; None means it never expires.
            status == current.status == "certified"
            and current.expires_at is not None
            and (expires_at is None or expires_at > current.expires_at)
        ):
            current.expires_at = expires_at

    enrolments = (
        Enrolment.objects.filter(courses, user__agency_id__in=agency_ids)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("user_id", "course__track", "completed_at")
    )
    for user_id, track, completed_at in enrolments:
        raise_to(user_id, track, "completed" if completed_at else "enrolled")
    certificates = (
        Certificate.objects.valid_at(filters.moment())
        .filter(courses, user__agency_id__in=agency_ids)
        .values_list("user_id", "course__track", "expires_at")
    )
    for user_id, track, expires_at in certificates:
        raise_to(user_id, track, "certified", expires_at)
    return sorted(by_user.values(), key=lambda entry: vietnamese_sort_key(entry.user.full_name))
