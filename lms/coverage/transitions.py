"""DOST officers' pages for edition transitions: open one, see who is still on the old edition
per agency, enrol them all in the new course (and e-mail them)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.certificates.models import EditionTransition
from courses.certificates.transitions import transition_enrol, transition_open, transition_people
from courses.learning.enrolment import EnrolmentNotAllowed
from courses.learning.pages import CoursePage, Edition, Track
from lms.coverage.permissions import can_run_transitions


class TransitionForm(forms.Form):
    track = forms.ChoiceField(
        label=gettext_lazy("Chuyên đề"),
        choices=[("", gettext_lazy("Mọi chuyên đề")), *Track.choices],
        required=False,
    )
    from_edition = forms.ChoiceField(label=gettext_lazy("Từ phiên bản"), choices=Edition.choices)
    to_edition = forms.ChoiceField(label=gettext_lazy("Sang phiên bản"), choices=Edition.choices)
    course = forms.ModelChoiceField(
        label=gettext_lazy("Khóa học chuyển đổi"), queryset=CoursePage.objects.live()
    )
    deadline = forms.DateField(
        label=gettext_lazy("Hạn chuyển đổi (dd/mm/yyyy)"), input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )


def _officer(request):
    if not can_run_transitions(request.user):
        raise PermissionDenied


@login_required
def transition_list(request):
    _officer(request)
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transition = transition_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã mở đợt chuyển đổi phiên bản."))
            return redirect("coverage:transition", transition.pk)
    transitions = EditionTransition.objects.select_related("course")
    return render(request, "coverage/transitions.html", {"form": form, "transitions": transitions})


@login_required
def transition_detail(request, pk: int):
    _officer(request)
    transition = get_object_or_404(EditionTransition.objects.select_related("course"), pk=pk)
    people = transition_people(transition)
    by_agency: dict[str, list] = {}
    for person in people:
        by_agency.setdefault(person.agency.name if person.agency else "—", []).append(person)
    context = {"transition": transition, "by_agency": by_agency, "count": len(people)}
    return render(request, "coverage/transition_detail.html", context)


@login_required
@require_POST
def transition_enrol_all(request, pk: int):
    _officer(request)
    transition = get_object_or_404(EditionTransition.objects.select_related("course"), pk=pk)
    try:
        enrolments = transition_enrol(actor=request.user, transition=transition)
    except EnrolmentNotAllowed as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Đã ghi danh %(n)s người vào khóa chuyển đổi; họ sẽ nhận email thông báo.")
            % {"n": len(enrolments)},
        )
    return redirect("coverage:transition", transition.pk)
