"""The coverage table in the Wagtail admin, with Wagtail's own XLSX/CSV export."""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.accounts.permissions import can_manage_directory
from lms.core.spreadsheet_import import SpreadsheetImportView
from lms.coverage.permissions import can_see_coverage, coverage_scope

from . import selectors
from .models import TrainingPlan
from .plans import plans_import
from .views import coverage_rows


class CoverageReportView(ReportView):
    page_title = _("Độ bao phủ đào tạo")
    header_icon = "table"
    index_url_name = "coverage_report"
    index_results_url_name = "coverage_report_results"
    export_filename = "do-bao-phu"
    paginate_by = 100
    list_export = ["code", "name", "kind", "parent", "target", "enrolled", "completed",
                   "certified", "coverage_pct"]  # fmt: skip
    export_headings = {
        "code": _("Mã đơn vị"),
        "name": _("Cơ quan, đơn vị"),
        "kind": _("Loại"),
        "parent": _("Đơn vị cấp trên"),
        "target": _("Chỉ tiêu"),
        "enrolled": _("Đã ghi danh"),
        "completed": _("Đã hoàn thành"),
        "certified": _("Có chứng nhận còn hiệu lực"),
        "coverage_pct": _("Tỷ lệ bao phủ (%)"),
    }
    columns = [
        Column("name", label=_("Cơ quan, đơn vị")),
        Column("kind", label=_("Loại")),
        Column("target", label=_("Chỉ tiêu")),
        Column("enrolled", label=_("Đã ghi danh")),
        Column("completed", label=_("Đã hoàn thành")),
        Column("certified", label=_("Có chứng nhận")),
        Column("coverage_pct", label=_("Tỷ lệ bao phủ (%)")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_see_coverage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        tree = selectors.load_agency_tree()
        scope = coverage_scope(self.request.user, tree)
        track = self.request.GET.get("track", "")
        table = selectors.sort_by_coverage(
            selectors.coverage_by_agency(
                selectors.CoverageFilter(track=track if track in selectors.Track.values else ""),
                tree=tree,
                scope=scope,
            )
        )
        return [SimpleNamespace(pk=row["id"], **row) for row in coverage_rows(table)]


@hooks.register("register_admin_urls")
def register_coverage_report_urls():
    return [
        path("reports/coverage/", CoverageReportView.as_view(), name="coverage_report"),
        path(
            "reports/coverage/results/",
            CoverageReportView.as_view(results_only=True),
            name="coverage_report_results",
        ),
    ]


class CoverageMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_coverage(request.user)


@hooks.register("register_reports_menu_item")
def register_coverage_report_menu_item():
    return CoverageMenuItem(
        _("Độ bao phủ đào tạo"),
        reverse("coverage_report"),
        name="coverage",
        icon_name="table",
        order=1000,
    )


class TrainingPlanViewSet(SnippetViewSet):
    model = TrainingPlan
    icon = "date"
    menu_label = _("Kế hoạch đào tạo")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["year", "agency", "track", "target", "required_role"]
    list_filter = ["year", "track"]
    search_fields = ["agency__name", "agency__code"]
    panels = [
        FieldPanel("agency"),
        FieldPanel("year"),
        FieldPanel("track"),
        FieldPanel("target"),
        FieldPanel("required_role"),
    ]


register_snippet(TrainingPlanViewSet)


class TrainingPlanImportView(SpreadsheetImportView):
    title = _("Nhập kế hoạch đào tạo")
    help_text = _(
        "Tải lên kế hoạch đào tạo năm (.xlsx hoặc .csv UTF-8), mỗi dòng một đơn vị và chuyên đề: "
        "Mã đơn vị, Chuyên đề (Nhận thức, Xây dựng, Duy trì, Cải tiến), Năm, Chỉ tiêu, và nếu cần "
        "Vai trò bắt buộc (Thư ký ISO: mọi thư ký của đơn vị phải có chứng nhận chuyên đề). "
        "Độ bao phủ của năm đó dùng chỉ tiêu theo kế hoạch thay cho số người cần đào tạo."
    )
    url_name = "coverage_plan_import"
    done_url_name = "wagtailsnippets_coverage_trainingplan:list"
    service = staticmethod(plans_import)

    def may_import(self, user) -> bool:
        return can_manage_directory(user)


@hooks.register("register_admin_urls")
def register_plan_import_url():
    return [
        path("plans/import/", TrainingPlanImportView.as_view(), name="coverage_plan_import"),
    ]


class PlanImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_directory(request.user)


@hooks.register("register_admin_menu_item")
def register_plan_import_menu_item():
    return PlanImportMenuItem(
        _("Nhập kế hoạch đào tạo"),
        reverse("coverage_plan_import"),
        name="plan-import",
        icon_name="upload",
        order=311,
    )
