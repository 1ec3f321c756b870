from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.learning.pages import Track
from lms.accounts import roles
from lms.core.storage import private_storage


class CoverageSnapshot(models.Model):
    """The coverage of one agency and track as it stood at the end of a month.

    Rows keep the rolled-up numbers of the day they were taken, so the trend chart and
    "as of month X" reports do not change when agencies merge or people move later.
    An empty track means all tracks together.
    """

    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="coverage_snapshots",
    )
    track = models.CharField(_("chuyên đề"), max_length=20, blank=True)
    target = models.PositiveIntegerField(_("chỉ tiêu"), default=0)
    enrolled = models.PositiveIntegerField(_("đã ghi danh"), default=0)
    completed = models.PositiveIntegerField(_("đã hoàn thành"), default=0)
    certified = models.PositiveIntegerField(_("có chứng nhận còn hiệu lực"), default=0)
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu bao phủ theo tháng")
        verbose_name_plural = _("số liệu bao phủ theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "track"], name="coverage_snapshot_once_per_month"
            )
        ]
        indexes = [models.Index(fields=["track", "agency", "month"])]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.agency_id} {self.track or '*'}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")


class CoverageExport(models.Model):
    """A coverage spreadsheet built in the background for one person and one set of filters."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="coverage_exports",
    )
    params = models.JSONField(_("bộ lọc"), default=dict)
    file_format = models.CharField(_("định dạng"), max_length=8)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(
        _("tệp"), upload_to="coverage/exports/%Y/%m/", storage=private_storage, blank=True
    )
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    finished_at = models.DateTimeField(_("hoàn tất lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất số liệu bao phủ")
        verbose_name_plural = _("tệp xuất số liệu bao phủ")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pk} {self.file_format} {self.status}"


class TrainingPlan(models.Model):
    """One line of a yearly training plan (Kế hoạch đào tạo): how many people of an agency are to
    hold a track's certificate that year. Coverage uses it as the target instead of the agency's
    headcount. A line may require a role: every person of that role in the agency must hold the
    track (the gaps list names those who do not)."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        related_name="training_plans",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    track = models.CharField(_("chuyên đề"), max_length=20, choices=Track.choices)
    target = models.PositiveIntegerField(_("chỉ tiêu"))
    required_role = models.CharField(
        _("vai trò bắt buộc"),
        max_length=30,
        blank=True,
        choices=[(roles.SECRETARY, roles.ROLE_LABELS[roles.SECRETARY])],
        help_text=_(
            "Nếu chọn: mọi người có vai trò này trong đơn vị phải có chứng nhận chuyên đề."
        ),
    )

    class Meta:
        verbose_name = _("kế hoạch đào tạo")
        verbose_name_plural = _("kế hoạch đào tạo")
        ordering = ["-year", "agency__name", "track"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "track"], name="training_plan_once_per_year_and_track"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="training_plan_year_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.agency} {self.track}: {self.target}"
