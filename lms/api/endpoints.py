"""Read and write endpoints of /api/v1/ (registered on `lms.api.api.api`)."""

import csv
import datetime as dt
import io

from ninja import Query, Schema, Status
from ninja.errors import HttpError

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.certificates import selectors as certificate_selectors
from courses.certificates import services as certificate_service
from courses.certificates.models import Certificate
from courses.certificates.permissions import can_manage_certificates
from courses.certificates.selectors import VERIFY_LIMIT_PER_MINUTE, certificates_visible_to
from courses.learning.enrolment import EnrolmentNotAllowed, enrolments_bulk_ensure
from courses.learning.models import Enrolment, EnrolmentSource, EnrolmentStatus
from courses.learning.pages import CoursePage, Edition, Track
from courses.learning.permissions import can_manage_enrolments
from lms.accounts import roles
from lms.accounts.directory import COLUMNS
from lms.accounts.directory_import import agencies_import
from lms.accounts.models import Agency
from lms.accounts.permissions import can_manage_directory
from lms.core import jsoninput
from lms.core.addresses import client_address
from lms.core.ratelimit import rate_limit_exceeded
from lms.core.uploads import check_upload
from lms.coverage import selectors as coverage
from lms.coverage.permissions import coverage_scope, narrow_to_agency

from . import schemas
from .api import api
from .auth import RateLimited
from .pagination import DEFAULT_LIMIT, page

# --- scope -----------------------------------------------------------------------------------


def _coverage_scope(user, agency_code: str):
    """The agency ids the user may read (None = the province), narrowed to `agency_code`.

    The coverage pages' rule: DOST officers and editors see the province, a secretary their
    agency tree, anyone else is refused; a code outside the scope does not exist for them."""
    tree = coverage.load_agency_tree()
    scope = coverage_scope(user, tree)
    scope, _agency_id = narrow_to_agency(tree, scope, agency_code)
    return tree, scope


def _enrolment_scope(user, agency_code: str):
    """Who may list enrolments: trainers see every course's enrolments, as on the course
    enrolment page; the coverage readers see theirs with their coverage scope."""
    if roles.has_role(user, roles.TRAINER):
        tree = coverage.load_agency_tree()
        return narrow_to_agency(tree, None, agency_code)[0]
    return _coverage_scope(user, agency_code)[1]


def _choice(value: str, choices, field: str) -> str:
    if value and value not in dict(choices):
        raise HttpError(
            400,
            _("Giá trị “%(value)s” không hợp lệ cho %(field)s.") % {"value": value, "field": field},
        )
    return value


class Page(Schema):
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class TrainingFilters(Page):
    agency: str = ""
    course: str = ""
    track: str = ""
    edition: str = ""
    since: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _training_filter(filters: TrainingFilters, scope, *, user="user", date_field: str) -> Q:
    """The filters shared by enrolments, completions and certificates, as one Q."""
    q = Q()
    if scope is not None:
        q &= Q(**{f"{user}__agency_id__in": scope})
    if filters.course:
        q &= Q(course__slug=filters.course)
    if _choice(filters.track, Track.choices, "track"):
        q &= Q(course__track=filters.track)
    if _choice(filters.edition, Edition.choices, "edition"):
        q &= Q(course__edition=filters.edition)
    if filters.since:
        q &= Q(**{f"{date_field}__gte": _start_of(filters.since)})
    return q


# --- reads -----------------------------------------------------------------------------------


def _agency_row(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "parent_code": agency.parent.code if agency.parent_id else None,
        "target_headcount": agency.target_headcount,
        "is_active": agency.is_active,
        "merged_into_code": agency.merged_into.code if agency.merged_into_id else None,
        "merged_at": agency.merged_at,
        "aliases": agency.aliases or [],
    }


@api.get("/agencies", response=schemas.page_of(schemas.Agency), tags=["directory"])
def agencies(request, params: Query[Page]):
    """The province's agency directory, merged and closed agencies included."""
    queryset = Agency.objects.select_related("parent", "merged_into")
    return page(queryset, cursor=params.cursor, limit=params.limit, row=_agency_row)


class PeopleFilters(Page):
    agency: str = ""


@api.get("/people", response=schemas.page_of(schemas.Person), tags=["directory"])
def people(request, params: Query[PeopleFilters]):
    """People of the agencies the token's owner may see (secretaries: their agency tree)."""
    _tree, scope = _coverage_scope(request.user, params.agency)
    queryset = get_user_model().objects.select_related("agency")
    if scope is not None:
        queryset = queryset.filter(agency_id__in=scope)

    def row(person):
        return {
            "email": person.email,
            "full_name": person.full_name,
            "agency_code": person.agency.code if person.agency_id else None,
            "position": person.position,
            "is_active": person.is_active,
        }

    return page(queryset, cursor=params.cursor, limit=params.limit, row=row)


class CourseFilters(Page):
    track: str = ""
    edition: str = ""
    language: str = ""


@api.get("/courses", response=schemas.page_of(schemas.Course), tags=["courses"])
def courses(request, params: Query[CourseFilters]):
    """Published courses."""
    queryset = CoursePage.objects.live().only("slug", "title", "track", "edition", "language")
    for field, choices in (("track", Track), ("edition", Edition), ("language", None)):
        value = getattr(params, field)
        if value:
            if choices is not None:
                _choice(value, choices.choices, field)
            queryset = queryset.filter(**{field: value})

    def row(course):
        return {
            "slug": course.slug,
            "title": course.title,
            "track": course.track,
            "edition": course.edition,
            "language": course.language,
        }

    return page(queryset, cursor=params.cursor, limit=params.limit, row=row)


def _enrolment_row(enrolment: Enrolment) -> dict:
    user, course = enrolment.user, enrolment.course
    return {
        "id": enrolment.pk,
        "email": user.email,
        "full_name": user.full_name,
        "agency_code": user.agency.code if user.agency_id else None,
        "course_slug": course.slug,
        "course_title": course.title,
        "track": course.track,
        "edition": course.edition,
        "status": enrolment.status,
        "source": enrolment.source,
        "enrolled_at": enrolment.created_at,
        "completed_at": enrolment.completed_at,
    }


def _enrolments(request, filters: TrainingFilters, *, completed: bool):
    scope = _enrolment_scope(request.user, filters.agency)
    date_field = "completed_at" if completed else "created_at"
    queryset = Enrolment.objects.filter(
        _training_filter(filters, scope, date_field=date_field)
    ).select_related("user__agency", "course")
    if completed:
        queryset = queryset.filter(completed_at__isnull=False).exclude(
            status=EnrolmentStatus.WITHDRAWN
        )
    return page(queryset, cursor=filters.cursor, limit=filters.limit, row=_enrolment_row)


@api.get("/enrolments", response=schemas.page_of(schemas.Enrolment), tags=["training"])
def enrolments(request, filters: Query[TrainingFilters]):
    """Enrolments; `since` is the enrolment date, `agency` includes its sub-agencies."""
    return _enrolments(request, filters, completed=False)


@api.get("/completions", response=schemas.page_of(schemas.Enrolment), tags=["training"])
def completions(request, filters: Query[TrainingFilters]):
    """Completed courses; `since` is the completion date."""
    return _enrolments(request, filters, completed=True)


def _certificate_row(certificate: Certificate, moment, passed: dict) -> dict:
    return {
        "code": certificate.code,
        "email": certificate.user.email,
        "full_name": certificate.full_name,
        "agency_name": certificate.agency_name,
        "course_slug": certificate.course.slug,
        "course_title": certificate.course_title,
        "track": certificate.track,
        "edition": certificate.edition,
        "status": certificate_selectors.certificate_status(certificate, moment, passed),
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "revoked_at": certificate.revoked_at,
    }


@api.get("/certificates", response=schemas.page_of(schemas.Certificate), tags=["training"])
def certificates(request, filters: Query[TrainingFilters]):
    """Certificates the owner manages on the site (officers and editors: all; secretaries:
    their agency tree); `since` is the issue date."""
    user = request.user
    if not can_manage_certificates(user):
        raise PermissionDenied
    scope = None
    if filters.agency:
        scope = _coverage_scope(user, filters.agency)[1]
    queryset = certificates_visible_to(user).filter(
        _training_filter(filters, scope, date_field="issued_at")
    )
    queryset = queryset.select_related(None).select_related("user", "course")
    moment = timezone.now()
    passed = certificate_selectors.supersessions(moment)  # one query, not one per row
    return page(
        queryset,
        cursor=filters.cursor,
        limit=filters.limit,
        row=lambda certificate: _certificate_row(certificate, moment, passed),
    )


@api.get(
    "/certificates/verify/{code}",
    auth=None,
    response={200: schemas.Verification, 404: schemas.Error, 429: schemas.Error},
    tags=["training"],
)
def certificate_verify(request, code: str):
    """Public check of a certificate code, as /verify/<code>/ shows it (same per-address limit)."""
    if rate_limit_exceeded(
        f"verify:{client_address(request)}", limit=VERIFY_LIMIT_PER_MINUTE, period_seconds=60
    ):
        raise RateLimited
    certificate = Certificate.objects.filter(code=certificate_service.normalise_code(code)).first()
    if certificate is None:
        raise Http404
    return {
        "code": certificate.code,
        "status": certificate_selectors.certificate_status(certificate),
        "full_name": certificate.full_name,
        "course_title": certificate.course_title,
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "revoked_at": certificate.revoked_at,
    }


class CoverageFilters(Schema):
    agency: str = ""
    track: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


# What an agency's coverage row publishes.
COVERAGE_FIELDS = tuple(schemas.CoverageRow.model_fields)


@api.get("/coverage", response=schemas.Coverage, tags=["coverage"])
def coverage_by_agency(request, filters: Query[CoverageFilters]):
    """One row per agency in scope, lowest coverage first: the numbers of the dashboard."""
    _choice(filters.track, Track.choices, "track")
    tree, scope = _coverage_scope(request.user, filters.agency)
    report = coverage.CoverageFilter(track=filters.track, since=filters.since, until=filters.until)
    table = coverage.sort_by_coverage(coverage.coverage_by_agency(report, tree=tree, scope=scope))
    items = [{field: getattr(row, field) for field in COVERAGE_FIELDS} for row in table]
    return {"items": items, "totals": coverage.coverage_totals(table, tree, scope)}


# --- writes ----------------------------------------------------------------------------------


@api.post(
    "/enrolments/bulk",
    response={200: schemas.BulkEnrolmentOut, 400: schemas.Error, 403: schemas.Error},
    tags=["training"],
)
def enrolments_bulk(request, body: schemas.BulkEnrolmentIn):
    """Enrol a list of people (by e-mail) in a course: the rules and audit of the site's bulk
    enrolment; all or nothing."""
    actor = request.user
    if not can_manage_enrolments(actor):
        raise PermissionDenied
    if not roles.has_role(actor, roles.TRAINER) and not actor.agency_id:
        raise PermissionDenied
    course = CoursePage.objects.live().filter(slug=body.course).order_by("pk").first()
    if course is None:
        raise Http404
    emails = list(dict.fromkeys(email.strip().lower() for email in body.emails if email.strip()))
    users = {
        user.email: user
        for user in get_user_model().objects.filter(email__in=emails).select_related("agency")
    }
    unknown = [email for email in emails if email not in users]
    if unknown:
        messages = [
            _("Không tìm thấy người dùng có email %(email)s.") % {"email": email}
            for email in unknown
        ]
        return Status(400, {"detail": " ".join(messages)})
    before = (
        Enrolment.objects.current()
        .filter(course=course, user__in=list(users.values()))
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .count()
    )
    try:
        enrolments_bulk_ensure(
            users=list(users.values()), course=course, source=EnrolmentSource.BULK, actor=actor
        )
    except EnrolmentNotAllowed as error:
        return Status(403, {"detail": " ".join(error.messages)})
    return {"course": course.slug, "created": len(users) - before, "existing": before}


def _rows_as_csv(rows) -> bytes:
    """JSON rows as the CSV the directory reader takes (English column keys)."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise HttpError(400, _("Dữ liệu phải là danh sách các dòng (rows)."))
    unknown = sorted({key for row in rows for key in row} - set(COLUMNS))
    if unknown:
        raise HttpError(400, _("Cột không hợp lệ: %(columns)s.") % {"columns": ", ".join(unknown)})
    columns = [key for key in COLUMNS if any(key in row for row in rows)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in columns])
    return out.getvalue().encode("utf-8")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


IMPORT_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "rows": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {key: {} for key in COLUMNS},
                            },
                        }
                    },
                    "required": ["rows"],
                }
            },
        }
    }
}


@api.post(
    "/agencies/import",
    response={
        200: schemas.AgencyImportOut,
        400: schemas.AgencyImportErrors,
        403: schemas.Error,
    },
    openapi_extra=IMPORT_BODY,
    tags=["directory"],
)
def agencies_upsert(request, dry_run: bool = False):
    """Create or update agencies by code from a CSV/XLSX file (field `file`) or JSON
    `{"rows": [...]}`: the `import_agencies` service, all or nothing. DOST officers and
    administrators only. Error rows are sheet rows for a file, the 1-based item for JSON."""
    if not can_manage_directory(request.user):
        raise PermissionDenied
    if request.content_type == "application/json":
        try:
            payload = jsoninput.loads(request.body or b"null")
        except ValueError as error:
            raise HttpError(400, _("Nội dung JSON không hợp lệ.")) from error
        rows = payload.get("rows") if isinstance(payload, dict) else None
        data, filename, shift = _rows_as_csv(rows), "rows.csv", 1
    else:
        upload = request.FILES.get("file")
        if upload is None:
            raise HttpError(400, _("Chưa chọn tệp."))
        check_upload(upload)
        data, filename, shift = upload.read(), upload.name, 0
    result = agencies_import(data=data, filename=filename, actor=request.user, dry_run=dry_run)
    if result.errors:
        errors = [{"row": max(row - shift, 0), "message": str(msg)} for row, msg in result.errors]
        return Status(400, {"detail": errors[0]["message"], "errors": errors})
    return {
        "dry_run": dry_run,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
