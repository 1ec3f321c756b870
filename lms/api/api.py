"""The REST API at /api/v1/: the province's HR and one-stop systems read who is trained.

Every endpoint runs as the token's owner, with the scope the site gives that person: the
permission functions are the site's own (coverage scope, certificate managers, enrolment
managers, directory managers), never rules of the API's own.
"""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from .auth import RateLimited, TokenAuth

api = NinjaAPI(
    title="Đào tạo ISO 9001 — API",
    version="1",
    description=(
        "Read who is trained (agencies, people, courses, enrolments, completions, "
        "certificates, coverage) and write bulk enrolments and the agency directory. "
        "Authenticate with `Authorization: Bearer <token>`; a token acts with its owner's "
        "role and scope."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
)


def _error(request, status: int, detail: str, **extra):
    response = api.create_response(request, {"detail": detail, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, _("Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi."))


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = _error(request, 429, _("Quá nhiều yêu cầu. Vui lòng thử lại sau một phút."))
    response["Retry-After"] = "60"
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or _("Tài khoản của bạn không được phép xem trang này."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, _("Trang bạn tìm không tồn tại hoặc bạn không có quyền xem."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(NinjaValidationError)
def _malformed(request, exc):
    # Keep the field locations ninja found, under the same top-level "detail" key.
    return api.create_response(request, {"detail": exc.errors}, status=422)


from . import endpoints  # noqa: E402,F401 - registers the routes on `api`
