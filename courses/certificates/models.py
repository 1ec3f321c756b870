from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import PreviewableMixin

from lms.core.deletion import KeptRecord, KeptRecordQuerySet
from lms.core.storage import private_storage

# Crockford-style alphabet without look-alikes (no 0/O, 1/I/L, U).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


def _artwork(label) -> models.ForeignKey:
    """An optional image of the template's artwork; deleting the image leaves the template."""
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class CertificateTemplate(PreviewableMixin, models.Model):
    name = models.CharField(_("tên mẫu"), max_length=120)
    title_vi = models.CharField(
        _("tiêu đề (tiếng Việt)"), max_length=200, default="GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC"
    )
    title_en = models.CharField(
        _("tiêu đề (tiếng Anh)"), max_length=200, default="CERTIFICATE OF COMPLETION"
    )
    issuer_name = models.CharField(
        _("cơ quan cấp"), max_length=200, default="Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"
    )
    signatory_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signatory_title = models.CharField(_("chức vụ người ký"), max_length=120, default="Giám đốc")
    background = _artwork(_("ảnh nền"))
    logo = _artwork(_("biểu trưng"))
    signature = _artwork(_("ảnh chữ ký"))
    seal = _artwork(_("ảnh con dấu"))
    issuing_place = models.CharField(
        _("nơi cấp"),
        max_length=80,
        default="Vĩnh Phúc",
        help_text=_("In cùng ngày cấp: “Vĩnh Phúc, ngày … tháng … năm …”."),
    )
    legal_basis_vi = models.CharField(
        _("căn cứ cấp (tiếng Việt)"),
        max_length=300,
        blank=True,
        help_text=_("Không bắt buộc, ví dụ: “Căn cứ Quyết định số …/QĐ-SKHCN ngày …”."),
    )
    legal_basis_en = models.CharField(_("căn cứ cấp (tiếng Anh)"), max_length=300, blank=True)
    is_default = models.BooleanField(_("mẫu mặc định"), default=False)

    class Meta:
        verbose_name = _("mẫu chứng nhận")
        verbose_name_plural = _("mẫu chứng nhận")

    def __str__(self):
        return self.name

    def serve_preview(self, request, mode_name):
        """The admin's live preview: a sample certificate with the longest name, as a PDF."""
        from courses.certificates.services import certificate_sample_pdf_bytes

        response = HttpResponse(
            certificate_sample_pdf_bytes(template=self), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'inline; filename="mau-chung-nhan.pdf"'
        return response


class CertificateQuerySet(KeptRecordQuerySet):
    def valid_at(self, moment):
        """Issued, not revoked, not expired, and not of an edition whose transition deadline
        has passed (those are superseded by the new edition)."""
        return (
            self.filter(revoked_at__isnull=True, issued_at__lte=moment)
            .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=moment))
            .exclude(models.Exists(EditionTransition.superseding_at(moment)))
        )


class Certificate(KeptRecord, models.Model):
    """Issued once per (user, course, cycle); the printed facts are frozen at issue time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    session = models.ForeignKey(
        "courses.ClassSession",
        verbose_name=_("buổi học"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    cycle = models.PositiveSmallIntegerField(_("lần cấp"), default=1)
    code = models.CharField(_("mã xác minh"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("ngày cấp"), db_index=True)
    expires_at = models.DateTimeField(_("ngày hết hạn"), null=True, blank=True, db_index=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(_("lý do thu hồi"), max_length=255, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("thay thế chứng nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    # Frozen facts, printed and verified as they were on the day of issue.
    full_name = models.CharField(_("họ và tên"), max_length=150)
    agency_name = models.CharField(_("cơ quan, đơn vị"), max_length=255, blank=True)
    course_title = models.CharField(_("tên khóa học"), max_length=255)
    track = models.CharField(_("chuyên đề"), max_length=20)
    edition = models.CharField(_("phiên bản tiêu chuẩn"), max_length=12)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    # The site address printed in the PDF's link and QR code; `rerender_certificates` rebuilds
    # the PDFs whose address is no longer the site's.
    rendered_site_url = models.CharField(max_length=200, blank=True, editable=False)
    pdf = models.FileField(
        _("tệp PDF"), upload_to="certificates/%Y/%m/", storage=private_storage, blank=True
    )
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CertificateQuerySet.as_manager()
    archive_instead = _("Hãy thu hồi chứng nhận (trang quản lý chứng nhận) thay vì xóa.")

    class Meta:
        verbose_name = _("chứng nhận")
        verbose_name_plural = _("chứng nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="certificate_once_per_cycle"
            )
        ]
        indexes = [models.Index(fields=["course", "revoked_at", "expires_at"])]

    def __str__(self):
        return f"{self.code} – {self.full_name}"


class EditionTransition(models.Model):
    """A change of the standard's edition (e.g. TCVN ISO 9001:2008 → 2015) opened by a DOST
    officer: people whose only valid certificate is of the old edition are to take `course`
    before `deadline`; after it, old-edition certificates of the track are superseded (the
    verify page says so, and they no longer count as coverage)."""

    track = models.CharField(_("chuyên đề"), max_length=20, blank=True,
                             help_text=_("Để trống: mọi chuyên đề."))  # fmt: skip
    from_edition = models.CharField(_("từ phiên bản"), max_length=12)
    to_edition = models.CharField(_("sang phiên bản"), max_length=12)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("khóa học chuyển đổi"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    deadline = models.DateField(_("hạn chuyển đổi"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chuyển đổi phiên bản")
        verbose_name_plural = _("chuyển đổi phiên bản")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_edition=models.F("to_edition")),
                name="transition_changes_edition",
            )
        ]

    def __str__(self):
        return f"{self.from_edition} → {self.to_edition} ({self.deadline:%d/%m/%Y})"

    @classmethod
    def superseding_at(cls, moment):
        """Transitions, past their deadline at `moment`, that supersede the certificate of the
        outer query (for `Exists`)."""
        day = timezone.localtime(moment).date()
        return cls.objects.filter(from_edition=models.OuterRef("edition"), deadline__lt=day).filter(
            models.Q(track="") | models.Q(track=models.OuterRef("track"))
        )
