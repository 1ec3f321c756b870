"""Classes and their sessions in the Wagtail admin.

DOST officers and editors open classes and schedule any session; trainers add and edit the
sessions of the classes they teach and see no other. Both the rule and the write are the site's
own (courses.classes.permissions.can_schedule_session, courses.classes.sessions.session_save),
so a session moved here e-mails its roster exactly as one moved from /classes/ does.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_list_or_404
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic.models import CopyViewMixin
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.classes import permissions, selectors, sessions
from courses.classes.models import ClassSession, TrainingClass


class TrainingClassViewSet(SnippetViewSet):
    model = TrainingClass
    icon = "group"
    menu_label = _("Lớp học")
    list_display = ["title", "course", "capacity", "created_at"]
    search_fields = ["title"]
    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("trainers"),
        FieldPanel("capacity"),
        FieldPanel("allow_walk_in"),
    ]


# --- sessions: the site's permission function, per person and per session ---------------------

SCHEDULING_ACTIONS = {"add", "change", "view"}


class ClassSessionPermissionPolicy(ModelPermissionPolicy):
    """Add, change and view follow `can_schedule_sessions` / `can_schedule_session`; deleting
    (history goes with it) stays with the model permission, which no role holds."""

    def user_has_permission(self, user, action):
        if action in SCHEDULING_ACTIONS:
            return permissions.can_schedule_sessions(user)
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action in SCHEDULING_ACTIONS:
            return permissions.can_schedule_session(user, instance.training_class)
        return super().user_has_permission_for_instance(user, action, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if set(actions) & SCHEDULING_ACTIONS:
            return selectors.sessions_visible_to(user)
        return super().instances_user_has_any_permission_for(user, actions)


class ClassSessionAdminForm(WagtailAdminModelForm):
    """A trainer chooses among the classes they teach, and cannot move a session elsewhere.
    (A session ending before it starts is refused by the model's own `clean`.)"""

    # The session as this form showed it (`session_version`): a stale form is refused.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["seen_version"] = sessions.session_version(self.instance)
        if self.for_user is not None and "training_class" in self.fields:
            classes = selectors.classes_scheduled_by(self.for_user)
            self.fields["training_class"].queryset = classes


class OwnSessionMixin:
    """Someone else's session is not found, as on the site (no hint that it exists)."""

    def get_object(self, *args, **kwargs):
        session = super().get_object(*args, **kwargs)
        if not permissions.can_schedule_session(self.request.user, session.training_class):
            raise Http404
        return session


class SessionCreateView(snippet_views.CreateView):
    def save_instance(self):
        return sessions.session_save(actor=self.request.user, session=self.form.instance)


class SessionCopyView(CopyViewMixin, SessionCreateView):
    """Copy ("same session next week") through the same write as adding one."""


class SessionEditView(OwnSessionMixin, snippet_views.EditView):
    def get_object(self, *args, **kwargs):
        session = super().get_object(*args, **kwargs)
        self.session_before = sessions.session_before(session)
        return session

    def save_instance(self):
        return sessions.session_save(
            actor=self.request.user,
            session=self.form.instance,
            before=self.session_before,
            seen_version=self.form.cleaned_data.get("seen_version", ""),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:  # changed by someone else since the form was shown
            form.add_error(None, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = error.messages[0]
            return self.form_invalid(form)


class SessionHistoryView(OwnSessionMixin, snippet_views.HistoryView):
    pass


class SessionUsageView(OwnSessionMixin, snippet_views.UsageView):
    pass


class _OwnSessionsChoice:
    def get_object_list(self):
        return selectors.sessions_visible_to(self.request.user)


class SessionChosenView(SnippetChosenView):
    def get_object(self, pk):
        return selectors.sessions_visible_to(self.request.user).get(pk=pk)


class SessionChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return selectors.sessions_visible_to(self.request.user).filter(pk__in=pks)


class SessionChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type("SessionChooseView", (_OwnSessionsChoice, ChooseView), {})
    choose_results_view_class = type(
        "SessionChooseResultsView", (_OwnSessionsChoice, ChooseResultsView), {}
    )
    chosen_view_class = SessionChosenView
    chosen_multiple_view_class = SessionChosenMultipleView


class SessionDeleteBulkAction(DeleteBulkAction):
    """The snippets' bulk delete, which would name any session by id on its confirmation
    page ("you cannot delete …"): only sessions the person sees are looked up at all."""

    models = [ClassSession]

    def get_queryset(self, model, object_ids):
        return get_list_or_404(selectors.sessions_visible_to(self.request.user), pk__in=object_ids)


class ClassSessionViewSet(SnippetViewSet):
    model = ClassSession
    icon = "date"
    menu_label = _("Buổi học")
    list_display = ["__str__", "training_class", "starts_at", "venue", "status"]
    list_filter = ["status"]
    add_view_class = SessionCreateView
    copy_view_class = SessionCopyView
    edit_view_class = SessionEditView
    history_view_class = SessionHistoryView
    usage_view_class = SessionUsageView
    chooser_viewset_class = SessionChooserViewSet
    edit_handler = ObjectList(
        [
            FieldPanel("training_class", widget=forms.Select),
            FieldPanel("title"),
            FieldPanel("starts_at"),
            FieldPanel("ends_at"),
            FieldPanel("venue"),
            FieldPanel("status"),
            FieldPanel("checkin_opens_minutes"),
            FieldPanel("checkin_closes_minutes"),
            FieldPanel("late_after_minutes"),
        ],
        base_form_class=ClassSessionAdminForm,
    )

    def get_queryset(self, request):
        return selectors.sessions_visible_to(request.user)


class ClassesViewSetGroup(SnippetViewSetGroup):
    items = (TrainingClassViewSet, ClassSessionViewSet)
    menu_icon = "group"
    menu_label = _("Lớp tập trung")
    menu_name = "classes"


# After the snippets' own delete action (order 0), so this one is the sessions' delete.
hooks.register("register_bulk_action", SessionDeleteBulkAction, order=1)
register_permission_policy(ClassSession, ClassSessionPermissionPolicy(ClassSession))
register_snippet(ClassesViewSetGroup)
