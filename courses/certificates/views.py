"""Certificate pages: the trainee's list and download, public verification, the staff list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.certificates import permissions, selectors
from courses.certificates import services as service
from courses.certificates.models import Certificate
from courses.certificates.offline_proof import PARAMETER as PROOF_PARAMETER
from courses.certificates.offline_proof import verify_page_proof
from courses.certificates.signing import signer_names, signing_certificate_pem
from courses.classes.models import ClassSession
from courses.learning.pages import CoursePage, Edition
from lms.accounts.models import Agency
from lms.core.addresses import client_address
from lms.core.ratelimit import rate_limit_exceeded
from lms.core.redirects import safe_next
from lms.core.storage import private_file_response
from lms.core.text import vietnamese_title_key
from lms.core.uploads import check_upload

EDITION_LABELS = dict(Edition.choices)
# Lazy: the labels are built at import time but shown in the request's language.
STATUS_LABELS = {
    selectors.STATUS_VALID: gettext_lazy("Còn hiệu lực"),
    selectors.STATUS_EXPIRED: gettext_lazy("Đã hết hạn"),
    selectors.STATUS_REVOKED: gettext_lazy("Đã bị thu hồi"),
    selectors.STATUS_SUPERSEDED: gettext_lazy("Đã được thay thế bởi phiên bản mới"),
}
STATUS_BADGES = {
    selectors.STATUS_VALID: "badge-ok",
    selectors.STATUS_EXPIRED: "badge-warn",
    selectors.STATUS_REVOKED: "badge-bad",
    selectors.STATUS_SUPERSEDED: "badge-warn",
}


def _annotate(certificates, moment=None):
    moment = moment or timezone.now()
    passed = selectors.supersessions(moment)
    rows = []
    for certificate in certificates:
        status = selectors.certificate_status(certificate, moment, passed)
        certificate.superseded_by = EDITION_LABELS.get(
            selectors.superseded_by(certificate, passed), ""
        )
        certificate.status = status
        certificate.status_label = STATUS_LABELS[status]
        certificate.status_badge = STATUS_BADGES[status]
        certificate.display_code = service.format_code(certificate.code)
        rows.append(certificate)
    return rows


# --- trainee ---------------------------------------------------------------------------------


@login_required
def my_certificates(request):
    certificates = Certificate.objects.filter(user=request.user).order_by("-issued_at")
    return render(
        request, "courses/certificates/mine.html", {"certificates": _annotate(certificates)}
    )


@login_required
def download(request, code):
    code = service.normalise_code(code)
    # Owner, or staff whose scope includes the holder; anyone else gets the same 404.
    certificate = get_object_or_404(selectors.certificates_visible_to(request.user), code=code)
    if not certificate.pdf:
        certificate = service.certificate_render_pdf(certificate_id=certificate.pk)
    return private_file_response(
        certificate.pdf.name,
        content_type="application/pdf",
        as_attachment="inline" not in request.GET,
        filename=f"chung-nhan-{certificate.code}.pdf",
    )


# --- public verification ---------------------------------------------------------------------


def _over_rate_limit(request) -> bool:
    return rate_limit_exceeded(
        f"verify:{client_address(request)}",
        limit=selectors.VERIFY_LIMIT_PER_MINUTE,
        period_seconds=60,
    )


def _rate_limited(request):
    return render(
        request,
        "courses/certificates/verify_form.html",
        {"error": _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")},
        status=429,
    )


@require_GET
def verify_form(request):
    raw = request.GET.get("code", "")
    if raw:
        code = service.normalise_code(raw)
        if code:
            return redirect("verify:detail", code=code)
    return render(request, "courses/certificates/verify_form.html", {})


UPLOAD_MESSAGES = {
    service.UploadVerdict.ORIGINAL: gettext_lazy(
        "Tệp PDF là bản gốc chưa bị sửa đổi của chứng nhận này, do Sở ký số."
    ),
    service.UploadVerdict.OTHER_CERTIFICATE: gettext_lazy(
        "Tệp PDF do Sở ký số nhưng là của một chứng nhận khác, không phải chứng nhận này."
    ),
    service.UploadVerdict.NOT_OURS: gettext_lazy(
        "Tệp PDF đã bị sửa đổi hoặc không phải do Sở cấp: chữ ký số không hợp lệ."
    ),
}


def _check_upload(request, certificate) -> dict:
    upload = request.FILES.get("pdf")
    if upload is None:
        return {"upload_error": _("Hãy chọn tệp PDF chứng nhận cần kiểm tra.")}
    try:
        check_upload(upload, allowed=(".pdf",))
    except ValidationError as error:
        return {"upload_error": " ".join(error.messages)}
    verdict = service.certificate_check_upload(certificate=certificate, data=upload.read())
    return {"upload_verdict": verdict, "upload_message": UPLOAD_MESSAGES[verdict]}


@require_http_methods(["GET", "POST"])
def verify_detail(request, code):
    if _over_rate_limit(request):
        return _rate_limited(request)
    normalised = service.normalise_code(code)
    certificate = (
        Certificate.objects.filter(code=normalised)
        .only(
            "code",
            "full_name",
            "agency_name",
            "course_title",
            "edition",
            "track",
            "issued_at",
            "expires_at",
            "revoked_at",
            "revoke_reason",
            "pdf",
        )
        .first()
    )
    if certificate is None:
        return render(
            request,
            "courses/certificates/verify_detail.html",
            {"certificate": None, "code": normalised},
            status=404,
        )
    (certificate,) = _annotate([certificate])
    context = {"certificate": certificate, "signer": signer_names()}
    context["offline_proof"] = verify_page_proof(request.GET.get(PROOF_PARAMETER), certificate)
    if request.method == "POST":
        context.update(_check_upload(request, certificate))
    return render(request, "courses/certificates/verify_detail.html", context)


@require_GET
def verify_public_key(request):
    """The department's signing certificate (PEM), to check certificate PDFs offline."""
    pem = signing_certificate_pem()
    if pem is None:
        raise Http404
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="public-key.pem"'
    return response


# --- staff -----------------------------------------------------------------------------------


def _require_manager(request):
    if not permissions.can_manage_certificates(request.user):
        raise PermissionDenied


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filtered(request):
    queryset = selectors.certificates_visible_to(request.user).select_related("user__agency")
    params = request.GET
    filters = {
        "agency": _int_or_none(params.get("agency")),
        "course": _int_or_none(params.get("course")),
        "status": params.get("status", "") if params.get("status") in STATUS_LABELS else "",
        "expiring": _int_or_none(params.get("expiring")),
        "q": params.get("q", "").strip(),
    }
    if filters["agency"]:
        agency = Agency.objects.filter(pk=filters["agency"]).first()
        if agency:
            queryset = queryset.filter(user__agency_id__in=agency.descendant_ids())
    if filters["course"]:
        queryset = queryset.filter(course_id=filters["course"])
    if filters["q"]:
        code = service.normalise_code(filters["q"])
        queryset = queryset.filter(full_name__icontains=filters["q"]) | queryset.filter(code=code)
    expiring = filters["expiring"]
    queryset = selectors.certificates_filter(
        queryset,
        status=filters["status"],
        expiring_within_days=expiring if expiring is not None and expiring >= 0 else None,
    )
    return queryset.order_by("-issued_at", "-pk"), filters


def _agencies_for(user) -> list:
    agencies = Agency.objects.all()
    if not permissions.can_administer_certificates(user):
        agencies = agencies.filter(pk__in=user.agency.descendant_ids() if user.agency_id else [])
    return sorted(agencies, key=lambda agency: vietnamese_title_key(agency.name))


@login_required
def manage(request):
    _require_manager(request)
    queryset, filters = _filtered(request)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "certificates": _annotate(page.object_list),
        "filters": filters,
        "query": query.urlencode(),
        "agencies": _agencies_for(request.user),
        "courses": CoursePage.objects.order_by("title").only("pk", "title"),
        "statuses": STATUS_LABELS.items(),
        "can_change": permissions.can_administer_certificates(request.user),
        "sessions": ClassSession.objects.select_related("training_class").order_by("-starts_at")[
            :100
        ]
        if permissions.can_administer_certificates(request.user)
        else [],
        "job_id": request.GET.get("job", ""),
    }
    return render(request, "courses/certificates/manage.html", context)


def _certificate_for_change(request, pk):
    if not permissions.can_administer_certificates(request.user):
        raise PermissionDenied
    return get_object_or_404(Certificate, pk=pk)


@login_required
@require_POST
def revoke(request, pk):
    certificate = _certificate_for_change(request, pk)
    try:
        service.certificate_revoke(
            certificate=certificate, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi chứng nhận %(code)s.") % {"code": certificate.code})
    return redirect(safe_next(request, reverse("certificates:manage")))


@login_required
@require_POST
def reissue(request, pk):
    certificate = _certificate_for_change(request, pk)
    try:
        new = service.certificate_reissue(certificate=certificate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã cấp lại chứng nhận, mã mới %(code)s.") % {"code": new.code})
    return redirect(reverse("certificates:manage"))


@login_required
@require_POST
def issue_for_session(request):
    if not permissions.can_administer_certificates(request.user):
        raise PermissionDenied
    session = ClassSession.objects.filter(pk=_int_or_none(request.POST.get("session"))).first()
    if session is None:
        messages.error(request, _("Không tìm thấy buổi học."))
        return redirect("certificates:manage")
    summary = service.certificates_issue_due(session=session, actor=request.user)
    notify = messages.success if summary.issued else messages.warning
    notify(request, _session_issue_text(summary))
    return redirect("certificates:manage")


def _session_issue_text(summary) -> str:
    """What a run did, and when it issued nothing, why."""
    counts = {
        "issued": summary.issued,
        "already": summary.already_had,
        "not_completed": summary.not_completed,
    }
    if not summary.attended:
        return _(
            "Không cấp chứng nhận nào: chưa có học viên nào được điểm danh có mặt ở buổi học này."
        )
    text = _("Đã cấp %(issued)d chứng nhận; %(already)d học viên đã có chứng nhận.") % counts
    if summary.not_completed:
        text += " " + (
            _("%(not_completed)d học viên có mặt chưa hoàn thành khóa học nên chưa được cấp.")
            % counts
        )
    return text


@login_required
@require_POST
def bulk_download(request):
    _require_manager(request)
    queryset, _filters = _filtered(_PostAsGet(request))
    ids = list(queryset.values_list("pk", flat=True)[:5000])
    if not ids:
        messages.error(request, _("Không có chứng nhận nào để tải về."))
        return redirect("certificates:manage")
    job_id = service.certificate_zip_job_start(user=request.user, certificate_ids=ids)
    return redirect(f"{reverse('certificates:manage')}?job={job_id}")


class _PostAsGet:
    """The filters of the bulk download arrive as POST fields; _filtered reads request.GET."""

    def __init__(self, request):
        self.user = request.user
        self.GET = request.POST


def _own_job(request, job_id):
    _require_manager(request)
    state = service.zip_job_read(job_id)
    if state is None or state.get("user_id") != request.user.pk:
        raise Http404
    return state


@login_required
def zip_progress(request, job_id):
    state = _own_job(request, job_id)
    total = state.get("total") or 0
    return JsonResponse(
        {
            "status": state["status"],
            "done": state.get("done", 0),
            "total": total,
            "percent": int(100 * state.get("done", 0) / total) if total else 100,
            "download_url": reverse("certificates:zip_download", args=[job_id])
            if state["status"] == "done"
            else "",
        }
    )


@login_required
def zip_download(request, job_id):
    state = _own_job(request, job_id)
    if state["status"] != "done":
        raise Http404
    return private_file_response(
        state["zip"], content_type="application/zip", filename="chung-nhan.zip"
    )
