"""Certificate templates editable by staff; issued certificates listed read-only.

Certificates change only through the services (revoke, re-issue), so the admin offers no
create, edit or delete for them: the staff page /certificates/manage/ holds those actions.
"""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.certificates.models import Certificate, CertificateTemplate
from lms.core.readonly import ReadOnlyPermissionPolicy


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Mẫu chứng nhận")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "title_vi", "issuer_name", "signatory_name", "is_default"]
    panels = [
        FieldPanel("name"),
        FieldPanel("title_vi"),
        FieldPanel("title_en"),
        FieldPanel("issuer_name"),
        FieldPanel("signatory_name"),
        FieldPanel("signatory_title"),
        FieldPanel("issuing_place"),
        FieldPanel("legal_basis_vi"),
        FieldPanel("legal_basis_en"),
        FieldPanel("logo"),
        FieldPanel("signature"),
        FieldPanel("seal"),
        FieldPanel("background"),
        FieldPanel("is_default"),
    ]


class CertificateViewSet(SnippetViewSet):
    model = Certificate
    icon = "success"
    menu_label = _("Chứng nhận đã cấp")
    add_to_admin_menu = True
    menu_order = 311
    inspect_view_enabled = True
    list_display = ["code", "full_name", "course_title", "issued_at", "expires_at", "revoked_at"]
    list_filter = ["track", "edition", "language", "revoked_at", "expires_at"]
    search_fields = ["code", "full_name", "course_title"]


# "view" permission still decides who sees the list; nobody edits rows here.
register_permission_policy(Certificate, ReadOnlyPermissionPolicy(Certificate))
register_snippet(CertificateTemplateViewSet)
register_snippet(CertificateViewSet)
