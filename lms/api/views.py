"""The API-token page of each staff member's profile: create (shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.middleware import mfa_missing
from lms.api.permissions import can_hold_api_token

from .forms import TokenCreateForm
from .tokens import api_token_create, api_token_revoke, token_by_id_or_prefix, tokens_of


@login_required
def api_tokens(request):
    user = request.user
    if not can_hold_api_token(user):
        raise PermissionDenied
    # /accounts/ pages are open before two-factor enrolment; a token must not be.
    if mfa_missing(user):
        return redirect(reverse("mfa_activate_totp"))
    form = TokenCreateForm(prefix="create")
    secret, status = None, 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = token_by_id_or_prefix(request.POST.get("token", ""), owner=user)
        if token is None:
            raise PermissionDenied
        api_token_revoke(token=token, actor=user)
        messages.success(request, _("Đã thu hồi khóa %(prefix)s.") % {"prefix": token.prefix})
        return redirect("api_tokens")
    if request.method == "POST":
        form = TokenCreateForm(request.POST, prefix="create")
        if form.is_valid():
            _token, secret = api_token_create(
                owner=user,
                name=form.cleaned_data["name"],
                expires_days=form.cleaned_data["expires_days"],
                actor=user,
            )
            form = TokenCreateForm(prefix="create")
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": tokens_of(user), "now": timezone.now()},
        status=status,
    )
