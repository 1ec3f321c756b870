"""Coverage numbers: one GROUP BY query per measure, rolled up through the agency tree in pandas.

Each user belongs to exactly one agency, so COUNT(DISTINCT user) per agency can be summed up the
tree without counting anybody twice. The tree is read once; merged agencies report under the
agency they merged into, while their users keep the agency they were trained in.
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
from lms.core.lazy import lazy_module
from lms.core.text import vietnamese_sort_key, vietnamese_title_key

from .models import CoverageSnapshot, TrainingPlan

pd = lazy_module("pandas")

EXPIRY_WARNING_DAYS = 90
DEFAULT_THRESHOLD_PCT = 50
MEASURES = ("enrolled", "completed", "certified", "expiring")
COLUMNS = [
    "code",
    "name",
    "kind",
    "parent",
    "target",
    "enrolled",
    "completed",
    "certified",
    "expiring",
    "coverage_pct",
]


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
class AgencyTree:
    """Every agency, read in one query, with where each one reports today."""

    agencies: pd.DataFrame  # indexed by id
    reporting: dict[int, int] = field(default_factory=dict)  # id -> surviving agency id
    chains: dict[int, list[int]] = field(default_factory=dict)  # surviving id -> self..root

    def by_code(self, code: str) -> int | None:
        matches = self.agencies.index[self.agencies["code"] == code]
        return int(matches[0]) if len(matches) else None

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

    def pairs(self, ids) -> pd.DataFrame:
        """(agency_id, ancestor_id) for each raw agency id: the rows its people count in."""
        rows = [
            (raw, ancestor)
            for raw in ids
            if raw in self.reporting
            for ancestor in self.chains[self.reporting[raw]]
        ]
        return pd.DataFrame(rows, columns=["agency_id", "ancestor_id"])


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
    frame = pd.DataFrame.from_records(records, columns=list(AGENCY_COLUMNS)).set_index("id")
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
    return AgencyTree(agencies=frame, reporting=reporting, chains=chains)


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


def _count_by_agency(queryset, scope: set[int] | None, **measures: Q) -> pd.DataFrame:
    """COUNT(DISTINCT user_id) per user agency for each measure's condition, in one GROUP BY."""
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
    return pd.DataFrame.from_records(
        list(rows), columns=["agency_id", *measures], index="agency_id"
    )


def measure_counts(filters: CoverageFilter, scope: set[int] | None = None) -> pd.DataFrame:
    """Distinct users per raw agency id for each measure.

    Two GROUP BY queries: enrolments (enrolled, completed) and certificates (certified,
    expiring); each measure is a filtered COUNT(DISTINCT user_id) over the same scan.
    """
    courses = _course_filter(filters)
    moment = filters.moment()
    learning = _count_by_agency(
        Enrolment.objects.filter(courses),
        scope,
        enrolled=_period("created_at", filters) & ~Q(status=EnrolmentStatus.WITHDRAWN),
        completed=_period("completed_at", filters) & Q(completed_at__isnull=False),
    )
    certificates = _count_by_agency(
        Certificate.objects.valid_at(moment).filter(courses),
        scope,
        certified=Q(),
        expiring=Q(expires_at__lte=moment + dt.timedelta(days=EXPIRY_WARNING_DAYS)),
    )
    counts = learning.join(certificates, how="outer")
    return counts.reindex(columns=list(MEASURES)).fillna(0).astype("int64")


def _roll_up(tree: AgencyTree, counts: pd.DataFrame) -> pd.DataFrame:
    """Sum per-agency counts into every agency they report under (self, parent, ...)."""
    if counts.empty:
        return pd.DataFrame(columns=counts.columns, dtype="int64")
    pairs = tree.pairs(counts.index)
    joined = pairs.merge(counts, left_on="agency_id", right_index=True)
    return joined.groupby("ancestor_id")[list(counts.columns)].sum()


def coverage_by_agency(
    filters: CoverageFilter, *, tree: AgencyTree | None = None, scope: set[int] | None = None
) -> pd.DataFrame:
    """One row per active, surviving agency (within scope), indexed by agency id.

    Columns: code, name, kind, parent (name), target, enrolled, completed, certified, expiring,
    coverage_pct (certified ÷ target × 100, NaN when the target is 0), plus own_target and
    own_certified (the agency and those merged into it, without sub-agencies) for charts by kind.
    """
    tree = tree or load_agency_tree()
    agencies = tree.agencies
    counts = measure_counts(filters, scope)
    rolled = _roll_up(tree, counts)

    # A plain dict: DataFrame.at per agency cost ~0.1 s on 2 000 agencies.
    is_active = agencies["is_active"].to_dict()
    surviving = [
        agency_id
        for agency_id, reporting in tree.reporting.items()
        if reporting == agency_id and is_active[agency_id]
    ]
    # Targets of merged or closed agencies are history: the survivor's target counts today.
    own_targets = _own_targets(agencies.loc[surviving, "target_headcount"], filters)
    rolled_target = _roll_up(tree, own_targets.to_frame("target"))

    own = counts.groupby(counts.index.map(tree.reporting)).sum() if len(counts) else counts
    frame = agencies.loc[surviving, ["code", "name", "kind", "parent_id"]].copy()
    frame["parent"] = frame["parent_id"].map(agencies["name"]).fillna("")
    frame["target"] = rolled_target["target"].reindex(frame.index).fillna(0).astype("int64")
    for measure in MEASURES:
        column = rolled[measure] if measure in rolled else pd.Series(dtype="int64")
        frame[measure] = column.reindex(frame.index).fillna(0).astype("int64")
    frame["own_target"] = own_targets.astype("int64")
    own_certified = own["certified"] if "certified" in own else pd.Series(dtype="int64")
    frame["own_certified"] = own_certified.reindex(frame.index).fillna(0).astype("int64")
    frame["merged_into"] = successor_names(tree, frame.index)
    frame = _with_coverage(frame)
    if scope is not None:
        frame = frame[frame.index.isin(scope)]
    if filters.kind:
        frame = frame[frame["kind"] == filters.kind]
    return frame.drop(columns=["parent_id"])


def _own_targets(headcounts: pd.Series, filters: CoverageFilter) -> pd.Series:
    """Each agency's own target: its training-plan line for the track and year when there is
    one, else its headcount. Plans are per track, so all tracks together use headcounts."""
    if not filters.track:
        return headcounts
    plans = dict(
        TrainingPlan.objects.filter(track=filters.track, year=filters.plan_year())
        .order_by()
        .values_list("agency_id", "target")
    )
    if not plans:
        return headcounts
    planned = pd.Series(plans, dtype="int64").reindex(headcounts.index)
    return planned.fillna(headcounts).astype("int64")


def successor_names(tree: AgencyTree, index) -> pd.Series:
    """The name of the agency each one merged into, "" for an agency that has not merged."""
    merged_into = tree.agencies.loc[index, "merged_into_id"].dropna().astype("int64")
    names = merged_into.map(tree.agencies["name"])
    return names.reindex(index).fillna("").astype(str)


def _with_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    target = frame["target"].where(frame["target"] > 0)
    frame["coverage_pct"] = (frame["certified"] / target * 100).round(1)
    return frame


def sort_by_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Lowest coverage first; agencies without a target last; ties by name in Vietnamese
    alphabetical order (Đ after D, not after Z)."""
    names = sorted(set(frame["name"]), key=vietnamese_title_key)
    order = frame["name"].map({name: rank for rank, name in enumerate(names)})
    return (
        frame.assign(_name_order=order)
        .sort_values(["coverage_pct", "_name_order"], na_position="last", kind="stable")
        .drop(columns="_name_order")
    )


def coverage_totals(frame: pd.DataFrame, tree: AgencyTree, scope: set[int] | None) -> dict:
    """Numbers of the whole scope: the rolled-up rows of its top agencies."""
    if scope is None:
        top = tree.roots()
    else:
        top = [i for i in frame.index if tree.agencies.at[i, "parent_id"] not in scope]
    rows = frame[frame.index.isin(top)]
    totals = {c: int(rows[c].sum()) for c in ("target", *MEASURES)}
    totals["coverage_pct"] = (
        round(totals["certified"] / totals["target"] * 100, 1) if totals["target"] else None
    )
    return totals


def coverage_by_kind(frame: pd.DataFrame) -> list[tuple[str, float | None]]:
    """Coverage of each agency kind from each agency's own people (no double counting)."""
    result = []
    for kind, label in AgencyKind.choices:
        rows = frame[frame["kind"] == kind]
        if rows.empty:
            continue
        target = int(rows["own_target"].sum())
        pct = round(int(rows["own_certified"].sum()) / target * 100, 1) if target else None
        result.append((str(label), pct))
    return result


def coverage_gaps(frame: pd.DataFrame, threshold_pct: float) -> dict[str, pd.DataFrame]:
    return {
        "none_certified": frame[frame["certified"] == 0],
        "expiring": frame[frame["expiring"] > 0],
        "below_threshold": frame[frame["coverage_pct"] < threshold_pct],
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
) -> pd.DataFrame:
    """The table as it was stored for `month`, in the same shape as coverage_by_agency."""
    rows = CoverageSnapshot.objects.filter(month=month, track=track).values(
        "agency_id", "target", "enrolled", "completed", "certified"
    )
    snap = pd.DataFrame.from_records(
        list(rows), columns=["agency_id", "target", "enrolled", "completed", "certified"]
    ).set_index("agency_id")
    agencies = tree.agencies.loc[tree.agencies.index.intersection(snap.index)]
    frame = agencies[["code", "name", "kind"]].copy()
    frame["parent"] = agencies["parent_id"].map(tree.agencies["name"]).fillna("")
    for column in ("target", "enrolled", "completed", "certified"):
        frame[column] = snap[column].reindex(frame.index).fillna(0).astype("int64")
    frame["expiring"] = 0
    frame["own_target"] = agencies["target_headcount"].astype("int64")
    frame["own_certified"] = frame["certified"]
    # A month stored before a merger lists the agency that has merged since: say where it went.
    frame["merged_into"] = successor_names(tree, frame.index)
    frame = _with_coverage(frame)
    if scope is not None:
        frame = frame[frame.index.isin(scope)]
    return frame


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
