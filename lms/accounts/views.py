from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
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
