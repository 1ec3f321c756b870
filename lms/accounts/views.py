from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"full_name": user.full_name, "position": user.position, "phone": user.phone},
    )
    if request.method == "POST" and form.is_valid():
        for field in ("full_name", "position", "phone"):
            setattr(user, field, form.cleaned_data[field])
        user.save(update_fields=["full_name", "position", "phone"])
        messages.success(request, _("Đã lưu thông tin cá nhân."))
        return redirect("profile")
    return render(request, "account/profile.html", {"form": form})
