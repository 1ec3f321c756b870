"""Trainer pages for class sessions: roster, marking, QR, sign-in sheet, exports, calendar."""

import io
import json
import uuid
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.classes import calendar as ics
from courses.classes import exports, permissions, selectors, tokens
from courses.classes.attendance import (
    AttendanceError,
    attendance_mark,
    marking_roster,
    session_roster,
    walk_in_add,
)
from courses.classes.forms import RosterUploadForm
from courses.classes.models import (
    ATTENDED_STATUSES,
    AttendanceMethod,
    AttendanceStatus,
    ClassSession,
)
from courses.classes.roster import (
    roster_import,
    roster_upload_discard,
    roster_upload_keep,
    roster_upload_read,
)
from lms.core.lazy import lazy_module


def _trainer_session(request, session_id: int) -> ClassSession:
    session = selectors.session_for_trainer(user=request.user, session_id=session_id)
    if session is None:
        raise Http404  # another trainer's session is not even acknowledged to exist
    return session


@login_required
def class_list(request):
    if not permissions.can_run_classes(request.user):
        raise Http404
    sessions = selectors.sessions_visible_to(request.user).order_by("-starts_at")
    return render(
        request,
        "courses/classes/list.html",
        {
            "sessions": sessions[:200],
            "calendar_url": _calendar_url(request),
            "may_create_class": permissions.can_create_class(request.user),
        },
    )


def _summary(roster) -> dict:
    counts = {status: 0 for status in AttendanceStatus.values}
    unmarked = 0
    for entry in roster:
        if entry.status:
            counts[entry.status] += 1
        else:
            unmarked += 1
    labels = dict(AttendanceStatus.choices)
    return {
        "counts": [(labels[status], count) for status, count in counts.items()],
        "unmarked": unmarked,
        "total": len(roster),
    }


@login_required
def session_detail(request, session_id: int):
    session = _trainer_session(request, session_id)
    roster = session_roster(session=session)
    return render(
        request,
        "courses/classes/session_detail.html",
        {"session": session, "roster": roster, "summary": _summary(roster)},
    )


def _loaded_from_post(post, roster) -> dict[int, tuple[str | None, str]]:
    """What each row looked like when the page was loaded, from the form's `loaded` field.

    One field for the whole roster (JSON: user id → [status, note]) keeps a 500-person hall
    within Django's limit on the number of fields in a POST. A row the form says nothing
    about (or a field that is not what the page wrote) counts as loaded unmarked: a POST that
    does not say what it saw can add marks but never overwrite one.
    """
    try:
        shown = json.loads(post.get("loaded") or "{}")
    except ValueError:
        shown = {}
    if not isinstance(shown, dict):
        shown = {}
    loaded = {}
    for entry in roster:
        row = shown.get(str(entry.user_id))
        valid = isinstance(row, list) and len(row) == 2 and isinstance(row[1], str)
        status = row[0] if valid and row[0] in AttendanceStatus.values else None
        loaded[entry.user_id] = (status, row[1] if valid else "")
    return loaded


def _loaded_field(roster) -> str:
    """The `loaded` field of a marking page: each row as the trainer sees it now."""
    return json.dumps(
        {entry.user_id: [entry.status or None, entry.note] for entry in roster},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _paper_status(loaded_status: str | None, ticked: bool, absent_unmarked: bool) -> str | None:
    """A tick adds presence, an untick of someone shown as attended records absence; a box
    left as it was keeps the mark (late, excused, a QR check-in). Unmarked people without a
    tick are recorded absent only when the trainer asks for it."""
    was_ticked = loaded_status in ATTENDED_STATUSES
    if ticked and not was_ticked:
        return AttendanceStatus.PRESENT
    if was_ticked and not ticked:
        return AttendanceStatus.ABSENT
    if loaded_status is None and absent_unmarked:
        return AttendanceStatus.ABSENT
    return loaded_status  # unchanged box: the mark as the page showed it, or none


def _marks_from_post(post, roster, loaded, *, paper: bool) -> dict[int, tuple[str, str]]:
    """What the form says for each person on the roster; people left blank are not marked."""
    marks = {}
    for entry in roster:
        loaded_status, loaded_note = loaded[entry.user_id]
        if paper:
            ticked = post.get(f"signed_{entry.user_id}") == "on"
            status = _paper_status(loaded_status, ticked, post.get("absent_unmarked") == "on")
            note = loaded_note
        else:
            status = (
                AttendanceStatus.PRESENT
                if "all_present" in post
                else post.get(f"status_{entry.user_id}")
            )
            note = post.get(f"note_{entry.user_id}", loaded_note)
        if status:
            marks[entry.user_id] = (status, note)
    return marks


KEPT_NAMES_SHOWN = 20


def _kept_message(kept) -> str:
    names = [entry.display_name for entry in kept[:KEPT_NAMES_SHOWN]]
    if len(kept) > KEPT_NAMES_SHOWN:
        names.append(_("và %(count)s người khác") % {"count": len(kept) - KEPT_NAMES_SHOWN})
    return _(
        "Giữ nguyên điểm danh của %(count)s người vì đã được ghi nhận (quét mã QR hoặc người "
        "khác lưu) sau khi bạn mở trang này: %(names)s. Hãy tải lại trang và kiểm tra."
    ) % {"count": len(kept), "names": ", ".join(names)}


@login_required
@require_http_methods(["GET", "POST"])
def attendance_marking(request, session_id: int, paper: bool = False):
    template = "courses/classes/paper.html" if paper else "courses/classes/marking.html"
    if request.method == "POST":
        # The roster query also checks who may mark and brings what the marking needs of the
        # session: the whole POST stays within a few queries for any class size.
        loaded_roster = marking_roster(session_id=session_id, user=request.user)
        if loaded_roster is None:
            raise Http404
        session_ref, roster = loaded_roster
        loaded = _loaded_from_post(request.POST, roster)
        marks = _marks_from_post(request.POST, roster, loaded, paper=paper)
        try:
            result = attendance_mark(
                session=session_ref,
                marks=marks,
                actor=request.user,
                method=AttendanceMethod.PAPER if paper else AttendanceMethod.MANUAL,
                roster=roster,
                loaded=loaded,
            )
        except AttendanceError as error:
            messages.error(request, str(error))
            return render(
                request,
                template,
                {
                    "session": _trainer_session(request, session_id),
                    "roster": roster,
                    "loaded": _loaded_field(roster),
                    "statuses": AttendanceStatus.choices,
                },
                status=400,
            )
        messages.success(
            request, _("Đã lưu điểm danh: %(count)s thay đổi.") % {"count": result.changed}
        )
        if result.kept:
            messages.warning(request, _kept_message(result.kept))
        name = "classes:paper" if paper else "classes:attendance"
        return redirect(name, session_id=session_id)
    session = _trainer_session(request, session_id)
    roster = session_roster(session=session)
    return render(
        request,
        template,
        {
            "session": session,
            "roster": roster,
            "loaded": _loaded_field(roster),
            "statuses": AttendanceStatus.choices,
        },
    )


@login_required
@require_POST
def walk_in(request, session_id: int):
    session = _trainer_session(request, session_id)
    try:
        walk_in_add(
            session=session,
            actor=request.user,
            email=request.POST.get("email", ""),
            full_name=request.POST.get("full_name", ""),
        )
    except AttendanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã thêm người đến trực tiếp và điểm danh có mặt."))
    return redirect("classes:attendance", session_id=session.pk)


@login_required
def qr_page(request, session_id: int):
    session = _trainer_session(request, session_id)
    return render(
        request,
        "courses/classes/qr.html",
        {"session": session, "window_seconds": tokens.QR_WINDOW_SECONDS},
    )


@login_required
def qr_image(request, session_id: int):
    session = _trainer_session(request, session_id)
    token = tokens.checkin_token(session)
    url = request.build_absolute_uri(reverse("checkin:checkin", args=[token]))
    # A standalone SVG (served to <img>) needs the SVG namespace, which svg_inline() leaves out:
    # without it the browser shows a broken image.
    buffer = io.BytesIO()
    lazy_module("segno").make(url, error="m").save(
        buffer, kind="svg", xmldecl=False, scale=8, border=2
    )
    svg = buffer.getvalue()
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"  # the code changes every window
    response["X-Checkin-Url"] = url
    return response


@login_required
def sign_in_sheet(request, session_id: int):
    session = _trainer_session(request, session_id)
    pdf = lazy_module("courses.classes.sign_in_sheet").sign_in_sheet_pdf(
        session=session, roster=session_roster(session=session)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"ky-ten-buoi-{session.pk}.pdf"
    )
    return response


def _export_response(header, rows, *, fmt: str, stem: str) -> HttpResponse:
    if fmt == "xlsx":
        content = exports.attendance_xlsx(header, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = exports.attendance_csv(header, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.{fmt}")
    return response


EXPORT_FORMATS = ("csv", "xlsx")


@login_required
def session_export(request, session_id: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    session = _trainer_session(request, session_id)
    header, rows = exports.attendance_export_rows([session])
    return _export_response(header, rows, fmt=fmt, stem=f"diem-danh-buoi-{session.pk}")


@login_required
def class_export(request, class_id: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    training_class = selectors.class_for_trainer(user=request.user, class_id=class_id)
    if training_class is None:
        raise Http404
    sessions = training_class.sessions.select_related("training_class__course").order_by(
        "starts_at"
    )
    header, rows = exports.attendance_export_rows(sessions)
    return _export_response(header, rows, fmt=fmt, stem=f"diem-danh-lop-{training_class.pk}")


# --- roster upload: file -> preview (dry run) -> confirm ------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request, session_id: int):
    session = _trainer_session(request, session_id)
    context = {"session": session}
    if request.method == "GET":
        return render(request, "courses/classes/roster_upload.html", context)

    if "token" in request.POST:
        return _roster_confirm(request, session)

    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        context["error"] = " ".join(form.errors["file"])
        return render(request, "courses/classes/roster_upload.html", context, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    filename = PurePath(upload.name).name
    result = roster_import(
        session=session, data=data, filename=filename, actor=request.user, dry_run=True
    )
    # Keep the exact bytes for the confirm step: the preview and the import read the same file.
    token = uuid.uuid4().hex
    path = roster_upload_keep(data=data, suffix=PurePath(filename).suffix.lower()[:8])
    uploads = request.session.get("roster_uploads", {})
    uploads[token] = {"path": path, "filename": filename, "session": session.pk}
    request.session["roster_uploads"] = uploads
    context.update({"result": result, "token": token, "filename": filename})
    return render(request, "courses/classes/roster_preview.html", context)


def _roster_confirm(request, session):
    token = request.POST.get("token", "")
    upload = request.session.get("roster_uploads", {}).get(token)
    data = roster_upload_read(upload["path"]) if upload else None
    if data is None or upload["session"] != session.pk:
        messages.error(request, _("Không tìm thấy tệp đã tải lên; hãy tải lại tệp."))
        return redirect("classes:roster", session_id=session.pk)
    result = roster_import(
        session=session,
        data=data,
        filename=upload["filename"],
        actor=request.user,
        skip_invalid=request.POST.get("skip_invalid") == "on",
    )
    if not result.written:
        return render(
            request,
            "courses/classes/roster_preview.html",
            {"session": session, "result": result, "token": token, "filename": upload["filename"]},
            status=400,
        )
    roster_upload_discard(upload["path"])
    uploads = request.session["roster_uploads"]
    uploads.pop(token, None)
    request.session["roster_uploads"] = uploads
    messages.success(
        request,
        _(
            "Đã nhập danh sách: %(created)s tài khoản mới, %(linked)s tài khoản có sẵn, "
            "%(enrolled)s ghi danh mới."
        )
        % {"created": result.created, "linked": result.linked, "enrolled": result.enrolled},
    )
    return redirect("classes:session", session_id=session.pk)


# --- calendar -------------------------------------------------------------------------------


def _calendar_url(request) -> str:
    token = tokens.calendar_token(request.user)
    return request.build_absolute_uri(reverse("classes:calendar_feed", args=[token]))


@login_required
def calendar_page(request):
    return render(
        request, "courses/classes/calendar.html", {"calendar_url": _calendar_url(request)}
    )


def calendar_feed(request, token: str):
    """No login: calendar apps cannot sign in, so the signed token in the URL is the key."""
    user_id = tokens.calendar_token_user_id(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    sessions = selectors.sessions_of_person(user).order_by("starts_at")
    body = ics.sessions_calendar(sessions, name=_("Lịch học ISO 9001"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
