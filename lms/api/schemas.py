"""What the API returns and accepts, as the OpenAPI schema shows it."""

import datetime as dt

from ninja import Field, Schema


class Error(Schema):
    detail: str


class ImportError_(Schema):
    row: int
    message: str


class Agency(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None
    target_headcount: int
    is_active: bool
    merged_into_code: str | None
    merged_at: dt.date | None
    aliases: list[str]


class Person(Schema):
    email: str
    full_name: str
    agency_code: str | None
    position: str
    is_active: bool


class Course(Schema):
    slug: str
    title: str
    track: str
    edition: str
    language: str


class Enrolment(Schema):
    id: int
    email: str
    full_name: str
    agency_code: str | None
    course_slug: str
    course_title: str
    track: str
    edition: str
    status: str
    source: str
    enrolled_at: dt.datetime
    completed_at: dt.datetime | None


class Certificate(Schema):
    code: str
    email: str
    full_name: str
    agency_name: str
    course_slug: str
    course_title: str
    track: str
    edition: str
    status: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class Verification(Schema):
    code: str
    status: str
    full_name: str
    course_title: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class CoverageRow(Schema):
    code: str
    name: str
    kind: str
    parent: str
    target: int
    enrolled: int
    completed: int
    certified: int
    expiring: int
    coverage_pct: float | None


class Coverage(Schema):
    items: list[CoverageRow]
    totals: dict


def page_of(item):
    """The {"items": [...], "next": cursor} envelope of a list endpoint."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {"__annotations__": {"items": list[item], "next": str | None}},
    )


class BulkEnrolmentIn(Schema):
    course: str = Field(description="slug of the course")
    emails: list[str] = Field(max_length=5000)


class BulkEnrolmentOut(Schema):
    course: str
    created: int
    existing: int


class AgencyImportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    unchanged: int


class AgencyImportErrors(Schema):
    detail: str
    errors: list[ImportError_]
