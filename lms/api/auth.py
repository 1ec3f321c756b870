"""Bearer-token authentication: the token's owner becomes request.user for the request."""

from ninja.security import HttpBearer

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from lms.api.permissions import can_hold_api_token
from lms.core.ratelimit import rate_limit_exceeded

from .tokens import api_token_authenticate

DEFAULT_RATE_PER_MINUTE = 600


class RateLimited(Exception):
    pass


def rate_per_minute() -> int:
    return getattr(settings, "API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)


def _activate_owner_language(request, owner) -> None:
    """API clients are programs: their Accept-Language header (or the language cookie) wins,
    else the owner's own choice. (The site's pages ignore a browser's Accept-Language; see
    lms.core.middleware.SiteLanguageMiddleware.)"""
    if "HTTP_ACCEPT_LANGUAGE" in request.META or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        language = translation.get_language_from_request(request)
    else:
        language = owner.preferred_language or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; no cookie is read, so no CSRF token is needed."""

    def authenticate(self, request, token):
        found = api_token_authenticate(token)
        if found is None:
            return None
        owner = found.owner
        request.user = owner
        request.api_token = found
        _activate_owner_language(request, owner)
        # Keyed by the hash, not the id: an id can come back after a database is restored.
        key = f"api:{found.token_hash[:24]}"
        if rate_limit_exceeded(key, limit=rate_per_minute(), period_seconds=60):
            raise RateLimited
        # A token outlives a role: someone who no longer holds a staff role is refused.
        if not can_hold_api_token(owner):
            raise PermissionDenied
        return found
