from allauth.mfa.models import Authenticator

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import user_roles

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz", "/i18n/", "/verify/")


class RequireMFAForStaffMiddleware:
    """Members of the roles in MFA_REQUIRED_ROLES must enrol TOTP before using the site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(EXEMPT_PREFIXES) and mfa_missing(request.user):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def mfa_missing(user) -> bool:
    """True when the user's roles require TOTP and they have not enrolled it yet."""
    required = set(getattr(settings, "MFA_REQUIRED_ROLES", ()))
    return bool(
        required
        and user.is_authenticated
        and (user.is_superuser or required & user_roles(user))
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )
