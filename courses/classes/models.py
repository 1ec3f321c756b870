import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.core.deletion import KeptRecord, KeptRecordQuerySet


class TrainingClass(models.Model):
    """An in-person class of a course; a multi-day class has several sessions."""

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="classes",
    )
    title = models.CharField(_("tên lớp"), max_length=255)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giảng viên"),
        related_name="taught_classes",
        blank=True,
    )
    capacity = models.PositiveIntegerField(_("sĩ số tối đa"), default=60)
    allow_walk_in = models.BooleanField(
        _("cho phép học viên ngoài danh sách tự điểm danh"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    archive_instead = _("Hãy chuyển các buổi học của lớp sang trạng thái “Đã hủy”.")

    class Meta:
        verbose_name = _("lớp học")
        verbose_name_plural = _("lớp học")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ClassMember(models.Model):
    """A person on a class roster."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.PROTECT, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="class_memberships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)
    is_walk_in = models.BooleanField(_("đến trực tiếp"), default=False)

    class Meta:
        verbose_name = _("học viên của lớp")
        verbose_name_plural = _("danh sách lớp")
        constraints = [
            models.UniqueConstraint(fields=["training_class", "user"], name="class_member_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.training_class}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Đã lên lịch")
    OPEN = "open", _("Đang diễn ra")
    CLOSED = "closed", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã hủy")


def _new_secret():
    return secrets.token_urlsafe(32)


class ClassSession(models.Model):
    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("lớp học"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    title = models.CharField(_("tên buổi học"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("bắt đầu"), db_index=True)
    ends_at = models.DateTimeField(_("kết thúc"))
    venue = models.CharField(_("địa điểm"), max_length=255)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=SessionStatus.choices,
        default=SessionStatus.PLANNED,
    )
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        _("mở điểm danh trước giờ học (phút)"), default=30
    )
    checkin_closes_minutes = models.PositiveSmallIntegerField(
        _("đóng điểm danh sau giờ bắt đầu (phút)"), default=120
    )
    late_after_minutes = models.PositiveSmallIntegerField(_("tính đi muộn sau (phút)"), default=15)
    checkin_secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    # Set when everyone on the roster has been reminded (each person: SessionReminder).
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # While a run is mailing this roster, no other run starts on it; a dead run's lease expires.
    reminder_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    archive_instead = _("Hãy chuyển trạng thái buổi học sang “Đã hủy”.")

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="class_session_ends_after_it_starts",
                violation_error_message=_("Giờ kết thúc phải sau giờ bắt đầu."),
            )
        ]

    def __str__(self):
        return self.title or f"{self.training_class} – {self.starts_at:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Giờ kết thúc phải sau giờ bắt đầu.")})

    @property
    def course(self):
        return self.training_class.course


class SessionReminder(models.Model):
    """One person reminded of one session: written once the mail server accepted the message."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_reminders"
    )
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nhắc lịch buổi học")
        verbose_name_plural = _("nhắc lịch buổi học")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="session_reminder_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.session}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    LATE = "late", _("Đi muộn")
    EXCUSED = "excused", _("Vắng có phép")
    ABSENT = "absent", _("Vắng")


ATTENDED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceMethod(models.TextChoices):
    MANUAL = "manual", _("Giảng viên điểm danh")
    QR = "qr", _("Quét mã QR")
    WALK_IN = "walk_in", _("Đến trực tiếp")
    PAPER = "paper", _("Phiếu ký tên")


class Attendance(KeptRecord, models.Model):
    """One person's attendance at one session; corrected by re-marking, never deleted."""

    session = models.ForeignKey(
        ClassSession,
        verbose_name=_("buổi học"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(
        _("hình thức"), max_length=10, choices=AttendanceMethod.choices, default="manual"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    objects = KeptRecordQuerySet.as_manager()
    archive_instead = _("Hãy sửa trạng thái điểm danh (ví dụ “Vắng”) thay vì xóa.")

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique")
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} – {self.session}: {self.get_status_display()}"
