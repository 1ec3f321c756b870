"""Opening classes and scheduling sessions from the site: DOST officers and editors for any
course, trainers for the classes they teach. The rules live in courses.classes.permissions
and courses.classes.sessions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.classes import permissions, sessions
from courses.classes.forms import ClassSessionForm, TrainingClassForm
from courses.classes.models import ClassSession, SessionStatus, TrainingClass


@login_required
def class_create(request):
    if not permissions.can_create_class(request.user):
        raise Http404
    form = TrainingClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        training_class = sessions.training_class_create(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Đã mở lớp “%(title)s”. Hãy thêm buổi học.") % {"title": training_class.title},
        )
        return redirect("classes:session_create", training_class.pk)
    return render(request, "courses/classes/class_form.html", {"form": form})


def _class_for_scheduling(request, class_id: int) -> TrainingClass:
    training_class = get_object_or_404(TrainingClass.objects.select_related("course"), pk=class_id)
    if not permissions.can_schedule_session(request.user, training_class):
        raise Http404
    return training_class


@login_required
def session_create(request, class_id: int):
    training_class = _class_for_scheduling(request, class_id)
    session = ClassSession(training_class=training_class)
    form = ClassSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        sessions.session_save(actor=request.user, session=form.instance)
        messages.success(request, _("Đã thêm buổi học."))
        return redirect("classes:session", form.instance.pk)
    context = {"form": form, "training_class": training_class}
    return render(request, "courses/classes/session_form.html", context)


@login_required
def session_edit(request, session_id: int):
    session = get_object_or_404(
        ClassSession.objects.select_related("training_class__course"), pk=session_id
    )
    if not permissions.can_schedule_session(request.user, session.training_class):
        raise Http404
    before = sessions.session_before(session)
    form = ClassSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.session_save(
                actor=request.user,
                session=form.instance,
                before=before,
                seen_version=form.cleaned_data["seen_version"],
            )
        except ValidationError as error:  # changed by someone else since the form was shown
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu buổi học."))
            return redirect("classes:session", session.pk)
    context = {"form": form, "training_class": session.training_class, "session": session}
    return render(request, "courses/classes/session_form.html", context)


@login_required
@require_POST
def session_cancel(request, session_id: int):
    session = get_object_or_404(
        ClassSession.objects.select_related("training_class"), pk=session_id
    )
    if not permissions.can_schedule_session(request.user, session.training_class):
        raise Http404
    if session.status == SessionStatus.CANCELLED or not sessions.session_cancel(
        actor=request.user, session=session
    ):
        messages.info(request, _("Buổi học đã được hủy trước đó."))
    else:
        messages.success(
            request, _("Đã hủy buổi học; học viên trong danh sách sẽ nhận email báo hủy.")
        )
    return redirect("classes:session", session.pk)
