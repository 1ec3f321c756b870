from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.core.deletion import KeptRecord, KeptRecordQuerySet


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Tự ghi danh")
    TRAINER = "trainer", _("Giảng viên ghi danh")
    SECRETARY = "secretary", _("Thư ký ISO ghi danh")
    BULK = "bulk", _("Ghi danh theo danh sách")
    ROSTER = "roster", _("Danh sách lớp")
    ADMIN = "admin", _("Quản trị")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Đang học")
    COMPLETED = "completed", _("Hoàn thành")
    WITHDRAWN = "withdrawn", _("Đã rút")


class EnrolmentQuerySet(KeptRecordQuerySet):
    def current(self):
        """The latest cycle of each (user, course): "the enrolment" everywhere but history."""
        return self.filter(is_current=True)


class Enrolment(KeptRecord, models.Model):
    """One person in one course, one row per cycle (renewal starts cycle+1); withdrawn, never
    deleted. Only the latest cycle is current; earlier cycles stay as history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    source = models.CharField(
        _("nguồn"), max_length=20, choices=EnrolmentSource.choices, default=EnrolmentSource.SELF
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi danh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày ghi danh"), auto_now_add=True)
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    cycle = models.PositiveSmallIntegerField(_("lần học"), default=1)
    is_current = models.BooleanField(_("lần học hiện tại"), default=True)

    objects = EnrolmentQuerySet.as_manager()
    archive_instead = _("Hãy chuyển ghi danh sang trạng thái “Đã rút”.")

    class Meta:
        verbose_name = _("ghi danh")
        verbose_name_plural = _("ghi danh")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(is_current=True),
                name="enrolment_unique_user_course",
            ),
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="enrolment_unique_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["completed_at"]),
        ]

    def __str__(self):
        return f"{self.user} – {self.course}"


class ActivityCompletion(models.Model):
    """A lesson read or a quiz passed, within one enrolment."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="completions")
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("bài"), on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("hoàn thành lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tiến độ bài học")
        verbose_name_plural = _("tiến độ bài học")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "page"], name="activity_completion_unique")
        ]

    def __str__(self):
        return f"{self.enrolment_id}:{self.page_id}"
