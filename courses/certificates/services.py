"""Certificates: issue once per (user, course, cycle), revoke, re-issue, issue in bulk.

Every write to a Certificate goes through this module. The printed facts (name, agency, course
title, track, edition, language) are frozen on the row at issue time; the PDF is rendered once
after commit and then served unchanged. Reads (status, expiry, renewal, filters) live in
selectors.py, who may do what in permissions.py.
"""

import io
import json
import logging
import os
import secrets
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.certificates import offline_proof
from courses.certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateTemplate,
)
from courses.certificates.selectors import (
    STATUS_VALID,
    certificate_status,
    expiry_for,
    latest_certificate,
)
from courses.certificates.signing import check_signed_pdf, sign_pdf
from courses.classes.models import ATTENDED_STATUSES, Attendance, ClassSession
from courses.learning.completion import completion_evaluate
from courses.learning.models import Enrolment, EnrolmentStatus
from courses.learning.pages import CoursePage
from courses.learning.signals import send_learning_recorded
from lms.core.audit import audit_record
from lms.core.lazy import lazy_module
from lms.core.links import site_url
from lms.core.queue import QUEUE_DOWN_MESSAGE, enqueue
from lms.core.storage import private, private_file_delete, private_file_exists
from lms.core.text import nfc

# reportlab and segno load with the first certificate, not in every web worker.
certificate_pdf = lazy_module("courses.certificates.pdf")

logger = logging.getLogger(__name__)

# Codes are 30^10 ≈ 6e14: a collision is rare, but the unique index decides, so retry a few times.
CODE_ATTEMPTS = 8


@dataclass(frozen=True)
class IssueSummary:
    issued: int = 0
    already_had: int = 0
    # For a session: people marked present or late, and those among them whose enrolment in
    # the course is not completed (so nothing can be issued to them yet).
    attended: int | None = None
    not_completed: int = 0

    @property
    def total(self) -> int:
        return self.issued + self.already_had


# --- pure helpers -----------------------------------------------------------------------------


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed → the stored form: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t\u2013\u2014")


def format_code(code: str) -> str:
    """Groups of five, easier to read aloud and type (dashes are ignored when matching)."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


# --- reads shared by views, tasks and the command ----------------------------------------------


# --- writes ------------------------------------------------------------------------------------


def _completed_after(user, course, moment: datetime) -> bool:
    return Enrolment.objects.filter(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at__gt=moment
    ).exists()


def _renewed_after(user, course, moment: datetime) -> bool:
    return (
        Enrolment.objects.current()
        .filter(
            user=user,
            course=course,
            cycle__gt=1,
            status=EnrolmentStatus.COMPLETED,
            created_at__gt=moment,
        )
        .exists()
    )


def _create(*, user, course, cycle: int, session=None, replaces=None) -> Certificate | None:
    """Insert one certificate; None when another caller inserted this cycle first."""
    now = timezone.now()
    agency = user.agency
    for _attempt in range(CODE_ATTEMPTS):
        certificate = Certificate(
            user=user,
            course=course,
            session=session,
            cycle=cycle,
            code=new_certificate_code(),
            issued_at=now,
            expires_at=expiry_for(course, now),
            replaces=replaces,
            full_name=nfc(user.full_name) or user.email,
            agency_name=nfc(agency.name) if agency else "",
            course_title=nfc(course.title),
            track=course.track,
            edition=course.edition,
            language=user.preferred_language or "vi",
        )
        try:
            # The savepoint keeps the caller's transaction usable after a unique violation.
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError:
            if Certificate.objects.filter(user=user, course=course, cycle=cycle).exists():
                return None
            continue  # the code collided with another certificate's: draw again
        transaction.on_commit(lambda pk=certificate.pk: _render_later(pk))
        send_learning_recorded("certificate", [certificate.pk])
        return certificate
    raise RuntimeError("could not draw a free certificate code")


def _render_later(certificate_id: int) -> None:
    from courses.certificates.tasks import render_certificate_pdf

    # Broker down: the PDF is rendered on first download instead.
    enqueue(render_certificate_pdf, certificate_id)


def _issue(*, user, course, session=None, actor=None) -> tuple[Certificate, bool]:
    with transaction.atomic():
        latest = latest_certificate(user, course)
        if latest is not None:
            if certificate_status(latest) == STATUS_VALID:
                # Still valid: only a renewal cycle completed since replaces it early.
                if not _renewed_after(user, course, latest.issued_at):
                    return latest, False
            elif not _completed_after(user, course, latest.issued_at):
                return latest, False
            cycle, replaces = latest.cycle + 1, latest
        else:
            cycle, replaces = 1, None
        certificate = _create(
            user=user, course=course, cycle=cycle, session=session, replaces=replaces
        )
        if certificate is None:
            # A concurrent call won the race for this cycle: theirs is the one certificate.
            return Certificate.objects.get(user=user, course=course, cycle=cycle), False
        audit_record(
            actor=actor,
            verb="certificate.issue",
            obj=certificate,
            after={"code": certificate.code, "cycle": cycle, "course": course.pk},
        )
        return certificate, True


def certificate_issue(*, user, course: CoursePage, session=None, actor=None) -> Certificate:
    """Issue the certificate of (user, course), at most once per cycle.

    Returns the latest certificate when it is still valid, or when it lapsed (expired, revoked)
    and the user has not completed the course again since. A new cycle, replacing the previous
    certificate, starts only after a later completion (retraining). Concurrent calls end with
    one row: the (user, course, cycle) unique constraint decides, the loser re-reads it.
    """
    certificate, _created = _issue(user=user, course=course, session=session, actor=actor)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor) -> Certificate:
    """Mark a certificate revoked with a reason; the row and its PDF are kept for history."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError(_("Cần nhập lý do thu hồi."), code="reason_required")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at:
        raise ValidationError(_("Chứng nhận này đã bị thu hồi."), code="already_revoked")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    certificate.revoke_reason = reason[:255]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, verb="certificate.revoke", obj=certificate, after={"reason": reason})
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, actor) -> Certificate:
    """Start a new cycle replacing a revoked or expired certificate; the old row stays.

    Only the latest certificate of a (user, course) chain can be replaced, so the chain stays
    linear; the new certificate freezes today's name, agency and course facts.
    """
    certificate = Certificate.objects.select_related("user", "course").get(pk=certificate.pk)
    if certificate_status(certificate) == STATUS_VALID:
        raise ValidationError(
            _("Chỉ cấp lại chứng nhận đã bị thu hồi hoặc đã hết hạn."), code="still_valid"
        )
    latest = latest_certificate(certificate.user, certificate.course)
    if latest.pk != certificate.pk:
        raise ValidationError(
            _("Chứng nhận này đã được thay thế bởi mã %(code)s.") % {"code": latest.code},
            code="already_replaced",
        )
    new = _create(
        user=certificate.user,
        course=certificate.course,
        cycle=certificate.cycle + 1,
        session=certificate.session,
        replaces=certificate,
    )
    if new is None:
        raise ValidationError(_("Chứng nhận đã được cấp lại."), code="already_replaced")
    audit_record(
        actor=actor,
        verb="certificate.reissue",
        obj=new,
        before={"code": certificate.code},
        after={"code": new.code, "cycle": new.cycle},
    )
    return new


def _session_candidates(session: ClassSession) -> tuple[list[tuple[object, CoursePage]], int]:
    """Attendees of the session whose enrolment in its course is completed, and how many
    people attended."""
    course = session.training_class.course
    attendee_ids = list(
        Attendance.objects.filter(session=session, status__in=ATTENDED_STATUSES).values_list(
            "user_id", flat=True
        )
    )
    enrolments = (
        Enrolment.objects.current()
        .filter(course=course, user_id__in=attendee_ids)
        .select_related("user__agency")
    )
    candidates = []
    for enrolment in enrolments:
        if enrolment.status != EnrolmentStatus.COMPLETED:
            # Attendance may be the last missing piece of the completion rule.
            completion_evaluate(enrolment=enrolment)
            enrolment.refresh_from_db(fields=["status", "completed_at"])
        if enrolment.status == EnrolmentStatus.COMPLETED:
            candidates.append((enrolment.user, course))
    return candidates, len(attendee_ids)


def certificates_issue_due(
    *,
    course: CoursePage | None = None,
    session: ClassSession | None = None,
    actor=None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> IssueSummary:
    """Issue a certificate to every completed enrolment (of a course, or of a session's
    attendees) that has none yet; running it again issues nothing new.

    Each certificate is its own transaction, so a long run keeps what it issued if stopped;
    the re-run also queues the PDF of any certificate it finds without one.
    `progress` wraps the work list (e.g. tqdm) for commands that show a progress bar.
    """
    attended = None
    if session is not None:
        candidates, attended = _session_candidates(session)
    else:
        enrolments = (
            Enrolment.objects.current()
            .filter(status=EnrolmentStatus.COMPLETED)
            .select_related("user__agency", "course")
        )
        if course is not None:
            enrolments = enrolments.filter(course=course)
        candidates = [(enrolment.user, enrolment.course) for enrolment in enrolments]
    issued = already = 0
    work = progress(candidates) if progress else candidates
    for user, candidate_course in work:
        certificate, created = _issue(
            user=user, course=candidate_course, session=session, actor=actor
        )
        if created:
            issued += 1
            continue
        already += 1
        if not certificate.pdf:
            # A run stopped between committing the row and queueing its PDF: queue it now.
            transaction.on_commit(lambda pk=certificate.pk: _render_later(pk))
    return IssueSummary(
        issued=issued,
        already_had=already,
        attended=attended,
        not_completed=0 if attended is None else attended - len(candidates),
    )


@transaction.atomic
def certificate_mark_reminded(*, certificate_ids: Iterable[int]) -> int:
    """Record that the expiry reminder went out, so the beat task never sends it twice."""
    return Certificate.objects.filter(
        pk__in=list(certificate_ids), expiry_reminder_sent_at__isnull=True
    ).update(expiry_reminder_sent_at=timezone.now())


def certificate_template_for(course: CoursePage) -> CertificateTemplate:
    """The course's template, else the default one, else an unsaved one with model defaults."""
    if course.certificate_template_id:
        template = CertificateTemplate.objects.filter(pk=course.certificate_template_id).first()
        if template:
            return template
    return CertificateTemplate.objects.filter(is_default=True).first() or CertificateTemplate()


@lru_cache(maxsize=8)
def _stored_image(storage, name: str, version: tuple) -> bytes:
    """An image file's bytes through its storage: a local folder or a bucket alike.

    Cached per process; `version` (image id, size, hash) keeps a file uploaded again under the
    same name from being served stale.
    """
    with storage.open(name, "rb") as handle:
        return handle.read()


def _image_bytes(image, what: str) -> bytes:
    if image is None:
        return b""
    version = (image.pk, image.file_size, image.file_hash)
    try:
        return _stored_image(image.file.storage, image.file.name, version)
    except (OSError, ValueError):
        # A missing file must not stop certificates: print without the image and say so.
        logger.warning("certificate %s %s cannot be read", what, image.file.name, exc_info=True)
        return b""


def _layout(template: CertificateTemplate) -> "certificate_pdf.CertificateLayout":
    def image(field: str) -> bytes:
        return (
            _image_bytes(getattr(template, field), field)
            if getattr(template, f"{field}_id")
            else b""
        )

    return certificate_pdf.CertificateLayout(
        title_vi=template.title_vi,
        title_en=template.title_en,
        issuer_name=template.issuer_name,
        signatory_name=template.signatory_name,
        signatory_title=template.signatory_title,
        issuing_place=template.issuing_place,
        legal_basis_vi=template.legal_basis_vi,
        legal_basis_en=template.legal_basis_en,
        background=image("background"),
        logo=image("logo"),
        signature=image("signature"),
        seal=image("seal"),
    )


# The longest names and course titles the layout must keep readable: the admin preview uses them.
SAMPLE_FULL_NAME = "Nguyễn Thị Phương Thảo Hoàng Lê Bảo Ngọc"
SAMPLE_COURSE_TITLE = (
    "Xây dựng, áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo tiêu chuẩn "
    "quốc gia TCVN ISO 9001:2015 vào hoạt động của cơ quan hành chính nhà nước cấp xã"
)


def certificate_sample_pdf_bytes(*, template: CertificateTemplate, language: str = "vi") -> bytes:
    """A certificate that was never issued, for previewing a template (nothing is saved)."""
    code = "SAMPLE2345"
    return certificate_pdf.render_certificate(
        layout=_layout(template),
        language=language,
        full_name=SAMPLE_FULL_NAME,
        agency_name="Ủy ban nhân dân xã Tam Hồng, huyện Yên Lạc, tỉnh Vĩnh Phúc",
        course_title=SAMPLE_COURSE_TITLE,
        track="building",
        edition="9001:2015",
        issued_on=_local_date(timezone.now()),
        expires_on="",
        code=code,
        display_code=format_code(code),
        verify_url=verify_url(code),
    )


def verify_url(code: str) -> str:
    return site_url() + reverse("verify:detail", args=[code])


def renewal_url(course_id: int) -> str:
    """Where the expiry e-mail sends the holder: the "Học lại để gia hạn" confirmation."""
    return site_url() + reverse("courses:renew", args=[course_id])


def _local_date(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


def certificate_pdf_bytes(certificate: Certificate, template: CertificateTemplate) -> bytes:
    """The rendered PDF, signed with the department's key when one is configured."""
    data = certificate_pdf.render_certificate(
        layout=_layout(template),
        language=certificate.language,
        full_name=certificate.full_name,
        agency_name=certificate.agency_name,
        course_title=certificate.course_title,
        track=certificate.track,
        edition=certificate.edition,
        issued_on=_local_date(certificate.issued_at),
        expires_on=_local_date(certificate.expires_at),
        code=certificate.code,
        display_code=format_code(certificate.code),
        verify_url=verify_url(certificate.code),
        qr_content=offline_proof.qr_url(certificate, verify_url(certificate.code)),
    )
    return sign_pdf(data)


class UploadVerdict:
    ORIGINAL = "original"
    OTHER_CERTIFICATE = "other_certificate"
    NOT_OURS = "not_ours"


def _stored_pdf_bytes(certificate: Certificate) -> bytes | None:
    if not certificate.pdf:
        return None
    try:
        with certificate.pdf.open("rb") as stored:
            return stored.read()
    except OSError:
        return None


def certificate_check_upload(*, certificate: Certificate, data: bytes) -> str:
    """Is data an unaltered original of this certificate: signed by the department and carrying
    its code, or byte for byte the stored PDF? Signed by us for another code says so."""
    check = check_signed_pdf(data)
    if check.ours and check.code == certificate.code:
        return UploadVerdict.ORIGINAL
    if data == _stored_pdf_bytes(certificate):
        return UploadVerdict.ORIGINAL
    return UploadVerdict.OTHER_CERTIFICATE if check.ours else UploadVerdict.NOT_OURS


def certificate_render_pdf(*, certificate_id: int) -> Certificate:
    """Render and store the PDF once; a certificate that has one keeps it unchanged."""
    certificate = Certificate.objects.select_related("course").get(pk=certificate_id)
    if certificate.pdf:
        return certificate
    data = certificate_pdf_bytes(certificate, certificate_template_for(certificate.course))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.pdf:  # rendered meanwhile by another worker
            return locked
        locked.pdf.save(f"{locked.code}.pdf", ContentFile(data), save=False)
        locked.rendered_site_url = site_url()
        locked.save(update_fields=["pdf", "rendered_site_url"])
    return locked


def certificate_rerender_pdf(*, certificate_id: int, actor=None) -> Certificate:
    """Rebuild the PDF with today's site address. The code, dates and frozen facts stay as
    issued; the old file is replaced. Safe to run twice."""
    certificate = Certificate.objects.select_related("course").get(pk=certificate_id)
    data = certificate_pdf_bytes(certificate, certificate_template_for(certificate.course))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        before = {"rendered_site_url": locked.rendered_site_url}
        old_name = locked.pdf.name
        locked.pdf.save(f"{locked.code}.pdf", ContentFile(data), save=False)
        locked.rendered_site_url = site_url()
        locked.save(update_fields=["pdf", "rendered_site_url"])
        audit_record(
            actor=actor,
            verb="certificate.rerender",
            obj=locked,
            before=before,
            after={"rendered_site_url": locked.rendered_site_url},
        )
    if old_name and old_name != locked.pdf.name:
        transaction.on_commit(lambda: private_file_delete(old_name))
    return locked


# --- bulk download: a job file in private storage, shared by the web process and the worker ---

ZIP_JOB_DIR = "certificate_zips"


def _job_name(job_id: str, suffix: str) -> str:
    if not job_id.isalnum():
        raise ValueError("bad job id")
    return f"{ZIP_JOB_DIR}/{job_id}.{suffix}"


def zip_job_read(job_id: str) -> dict | None:
    try:
        name = _job_name(job_id, "json")
    except ValueError:
        return None
    try:
        with private.open(name, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None


def zip_job_write(job_id: str, state: dict) -> None:
    name = _job_name(job_id, "json")
    data = json.dumps(state).encode("utf-8")
    try:
        path = private.path(name)
    except NotImplementedError:
        private.delete(name)
        private.save(name, ContentFile(data))
        return
    # Replace atomically so the progress endpoint never reads half a file.
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def certificate_zip_job_start(*, user, certificate_ids: list[int]) -> str:
    """Record a bulk-download job for `user` and queue the task that builds the ZIP."""
    from courses.certificates.tasks import build_certificate_zip

    job_id = uuid.uuid4().hex
    zip_job_write(
        job_id,
        {
            "user_id": user.pk,
            "certificate_ids": list(certificate_ids),
            "status": "pending",
            "done": 0,
            "total": len(certificate_ids),
            "zip": "",
        },
    )

    def send():
        if not enqueue(build_certificate_zip, job_id):
            state = zip_job_read(job_id) or {}
            zip_job_write(job_id, {**state, "status": "failed", "error": QUEUE_DOWN_MESSAGE})

    transaction.on_commit(send)
    return job_id


def _zip_entry_name(certificate: Certificate) -> str:
    return f"{certificate.code}-{slugify(unidecode_vi(certificate.full_name))}.pdf"


def unidecode_vi(text: str) -> str:
    """ASCII file names for ZIP entries (Windows unzip tools mangle UTF-8 names)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def certificate_zip_build(*, job_id: str) -> dict:
    """Build the job's ZIP once; running it again on a finished job changes nothing."""
    state = zip_job_read(job_id)
    if state is None:
        raise ValueError(f"unknown ZIP job {job_id}")
    if state["status"] == "done":
        return state
    ids = state["certificate_ids"]
    state.update(status="running", done=0, total=len(ids))
    zip_job_write(job_id, state)
    step = max(1, len(ids) // 20)
    buffer = io.BytesIO()
    certificates = Certificate.objects.in_bulk(ids)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, pk in enumerate(ids, start=1):
            certificate = certificates.get(pk)
            if certificate is not None:
                if not private_file_exists(certificate.pdf.name):
                    certificate = certificate_render_pdf(certificate_id=pk)
                with certificate.pdf.open("rb") as handle:
                    archive.writestr(_zip_entry_name(certificate), handle.read())
            if index % step == 0:
                state["done"] = index
                zip_job_write(job_id, state)
    name = _job_name(job_id, "zip")
    private.delete(name)
    private.save(name, ContentFile(buffer.getvalue()))
    state.update(status="done", done=len(ids), zip=name)
    zip_job_write(job_id, state)
    return state
