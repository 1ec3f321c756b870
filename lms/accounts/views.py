from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import ProfileForm

PROFILE_FIELDS = ("full_name", "position", "phone", "receives_digest")


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={field: getattr(user, field) for field in PROFILE_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        for field in PROFILE_FIELDS:
            setattr(user, field, form.cleaned_data[field])
        user.save(update_fields=list(PROFILE_FIELDS))
        messages.success(request, _("Đã lưu thông tin cá nhân."))
        return redirect("profile")
    return render(request, "account/profile.html", {"form": form})


def _admin_login(request, *, admin_home: str, may_enter) -> HttpResponse:
    """Send the admins' login pages to the site's one login (allauth).

    That login applies rate limits, the per-account lockout, e-mail verification and the
    TOTP step; the admins' own forms check the password alone. Nothing posted here is read,
    so a password sent to an admin login never opens a session.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = admin_home
    if request.user.is_authenticated:
        # Signed in but not allowed in: the login would send them straight back here.
        if not may_enter(request):
            raise PermissionDenied
        return redirect(next_url)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def wagtail_admin_login(request):
    return _admin_login(
        request,
        admin_home=reverse("wagtailadmin_home"),
        may_enter=lambda r: r.user.has_perm("wagtailadmin.access_admin"),
    )


def django_admin_login(request):
    return _admin_login(
        request, admin_home=reverse("admin:index"), may_enter=admin.site.has_permission
    )
