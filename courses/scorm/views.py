"""Playing a SCORM lesson: the package files, sandboxed, and the runtime endpoint.

Security model. The package's files are served by `package_file` with
`Content-Security-Policy: sandbox allow-scripts allow-forms`, and the lesson page frames them in
an `<iframe sandbox="allow-scripts allow-forms">`: without allow-same-origin the package runs
in an opaque origin, so its scripts cannot read the site's cookies, its pages or its DOM, and
its requests to the site are not same-origin. The browser does not send the session cookie
reliably from an opaque origin, so the frame's address carries its own authority instead: a
signed, expiring launch token naming the person, the lesson and the package, minted only when
the lesson page itself was served to someone allowed to read it, and checked again (same
`may_play` rule) on every file. The package talks to the site only by postMessage to the
lesson page, whose script posts to `runtime_commit` with the person's session and CSRF token.
"""

import codecs
import json
import mimetypes
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from lms.core import jsoninput
from lms.core.middleware import content_security_policy

from . import runtime
from .models import ScormAttempt, ScormLessonPage
from .package import is_safe_member_name
from .permissions import may_play
from .services import attempt_state, package_storage, scorm_runtime_commit

TOKEN_SALT = "courses.scorm.launch"  # noqa: S105 - a signing namespace, not a secret
PACKAGE_CSP = "sandbox allow-scripts allow-forms"
MAX_RUNTIME_BODY = 256 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def launch_token(*, user, page: ScormLessonPage) -> str:
    user_id = user.pk if getattr(user, "is_authenticated", False) else 0
    return signing.dumps({"u": user_id, "p": page.pk, "k": page.package_id}, salt=TOKEN_SALT)


def _token_max_age() -> int:
    return getattr(settings, "SCORM_LAUNCH_MAX_AGE", 12 * 3600)


def player_context(request, page: ScormLessonPage, *, can_read: bool) -> dict:
    if not can_read or page.package_id is None:
        return {"player": None}
    token = launch_token(user=request.user, page=page)
    launch = urlsplit(page.package.launch)
    src = reverse("scorm:file", args=[token, unquote(launch.path)])
    return {
        "player": {
            "src": f"{src}?{launch.query}" if launch.query else src,
            "runtime_url": (
                f"{reverse('scorm:runtime', args=[page.pk])}?package={page.package_id}"
                if request.user.is_authenticated
                else ""
            ),
            "version": page.package.version,
        }
    }


def allow_player_frame(response):
    """The lesson page's policy, with our own package frames allowed."""
    if hasattr(response, "headers"):
        response.headers["Content-Security-Policy"] = content_security_policy(
            frame_sources=["'self'"]
        )
    return response


def _launch_user(token: str):
    try:
        claims = signing.loads(token, salt=TOKEN_SALT, max_age=_token_max_age())
    except signing.BadSignature as error:
        raise Http404 from error
    page = ScormLessonPage.objects.live().filter(pk=claims.get("p")).select_related("package")
    page = page.first()
    if page is None or page.package_id != claims.get("k"):
        raise Http404
    user = AnonymousUser()
    if claims.get("u"):
        user = get_user_model().objects.filter(pk=claims["u"], is_active=True).first()
        if user is None:
            raise Http404
    return user, page


@xframe_options_exempt  # nested frames of a package have opaque parents; the token guards it
@require_GET
def package_file(request, token: str, path: str):
    user, page = _launch_user(token)
    # The frame's own requests carry no cookie (opaque origin), but the browser sends it when
    # the lesson page loads the frame: a signed-in person other than the one the token names
    # (a shared or leaked address) gets neither that person's name nor their saved state.
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and signed_in.pk != user.pk:
        return _sandboxed(HttpResponse(_("Bạn không có quyền mở bài học này."), status=403))
    if not may_play(user, page):
        return _sandboxed(HttpResponse(_("Bạn không có quyền mở bài học này."), status=403))
    if not is_safe_member_name(path):
        raise Http404
    storage = package_storage()
    name = f"{page.package.folder}/{path}"
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if content_type in HTML_TYPES:
        with handle:
            original = handle.read()
        body = _with_api_shim(request, original, user=user, page=page)
        response = HttpResponse(body, content_type=f"{content_type}; charset={_charset(original)}")
        response["Cache-Control"] = "private, no-store"
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
    return _sandboxed(response)


def _sandboxed(response):
    response["Content-Security-Policy"] = PACKAGE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    # The launch token is in the address: never send it to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _charset(html: bytes) -> str:
    """The page's own encoding (older Vietnamese packages use windows-1258), sent in the header
    because the script added to <head> may push its <meta charset> past the first 1024 bytes."""
    if html.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    match = _META_CHARSET.search(html[:4096])
    if match:
        name = match.group(1).decode("ascii").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            return "utf-8"
        return name
    return "utf-8"


def _with_api_shim(request, html: bytes, *, user, page: ScormLessonPage) -> bytes:
    """The page with the runtime API script first in <head>, carrying the launch values (in
    ASCII, so the tag reads the same in whatever encoding the page is written)."""
    version = page.package.version
    attempt = None
    if user.is_authenticated:
        attempt = ScormAttempt.objects.filter(user=user, page=page).first()
    values = runtime.launch_values(
        version,
        attempt_state(attempt, package_id=page.package_id),
        learner_id=str(user.pk or ""),
        learner_name=getattr(user, "full_name", "") or "",
    )
    origin = urlsplit(request.build_absolute_uri("/"))
    tag = (
        f'<script src="{escape(static("courses/scorm/api.js"))}" '
        f'data-scorm-version="{escape(version)}" '
        f'data-scorm-parent="{escape(f"{origin.scheme}://{origin.netloc}")}" '
        f'data-scorm-values="{escape(json.dumps(values))}"></script>'
    ).encode()
    match = _HEAD.search(html[:65536])
    if match is None:
        return tag + html
    return html[: match.end()] + tag + html[match.end() :]


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@require_POST
def runtime_commit(request, page_id: int):
    """Store what the package committed; JSON in ({"values": {element: value}}), JSON out."""
    if not request.user.is_authenticated:
        return _json_error(_("Bạn cần đăng nhập."), 403)
    page = get_object_or_404(ScormLessonPage.objects.live().select_related("package"), pk=page_id)
    if not may_play(request.user, page):
        return _json_error(_("Bạn không có quyền mở bài học này."), 403)
    if request.GET.get("package", str(page.package_id)) != str(page.package_id):
        # A frame still playing the package this lesson had before it was replaced.
        return _json_error(_("Bài học đã được thay bằng gói mới; hãy tải lại trang."), 409)
    if len(request.body) > MAX_RUNTIME_BODY:
        return _json_error(_("Dữ liệu bài học gửi lên quá lớn."), 413)
    try:
        values = jsoninput.loads(request.body).get("values")
    except (ValueError, AttributeError):
        return _json_error(_("Dữ liệu gửi lên không đúng định dạng."), 400)
    try:
        result = scorm_runtime_commit(user=request.user, page=page, values=values)
    except runtime.InvalidValue as error:
        message = _("Giá trị không hợp lệ cho %(element)s.") % {"element": error.element}
        return _json_error(message, 400)
    return JsonResponse(
        {
            "ok": True,
            "lesson_done": result.lesson_done,
            "course_completed": result.course_completed,
        }
    )
