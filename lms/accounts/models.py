from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.core.text import nfc


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Huyện, thị xã, thành phố")
    COMMUNE = "commune", _("Xã, phường, thị trấn")


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


MERGE_CYCLE = _("Không thể sáp nhập đơn vị vào chính nó hoặc vào đơn vị đã sáp nhập vào nó.")
PARENT_CYCLE = _("Đơn vị cấp trên không thể là chính đơn vị này hoặc đơn vị cấp dưới của nó.")


class Agency(models.Model):
    """A state agency. Merged agencies stay in place so past training records remain reachable."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    target_headcount = models.PositiveIntegerField(_("số người cần đào tạo"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    merged_at = models.DateField(_("ngày sáp nhập"), null=True, blank=True)
    aliases = models.JSONField(
        _("tên gọi khác"),
        default=list,
        blank=True,
        help_text=_("Các tên khác của đơn vị mà danh sách học viên hay dùng, mỗi tên một mục."),
    )

    objects = AgencyQuerySet.as_manager()
    archive_instead = _("Hãy bỏ chọn “Đang hoạt động” hoặc sáp nhập vào đơn vị khác.")

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="agency_not_merged_into_itself",
                violation_error_message=MERGE_CYCLE,
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="agency_not_its_own_parent",
                violation_error_message=PARENT_CYCLE,
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.code = (self.code or "").strip()
        self.aliases = [nfc(alias) for alias in self.aliases or [] if nfc(alias)]
        super().save(*args, **kwargs)

    def clean(self):
        """A merge or a parent that leads back to this agency would make a cycle."""
        super().clean()
        errors = {}
        if self._leads_back("merged_into"):
            errors["merged_into"] = MERGE_CYCLE
        if self._leads_back("parent"):
            errors["parent"] = PARENT_CYCLE
        if errors:
            raise ValidationError(errors)

    def _leads_back(self, relation: str) -> bool:
        """Following `relation` (merged_into or parent) from here comes back to this agency."""
        seen = set()
        current = getattr(self, relation)
        while current is not None and current.pk not in seen:
            if self.pk is not None and current.pk == self.pk:
                return True
            seen.add(current.pk)
            current = getattr(current, relation)
        return False

    def reporting_agency(self) -> "Agency":
        """The agency this one reports under today: follows merges to the surviving agency."""
        agency, seen = self, set()
        while agency.merged_into_id and agency.pk not in seen:
            seen.add(agency.pk)
            agency = agency.merged_into
        return agency

    def descendant_ids(self) -> set[int]:
        """This agency, its sub-agencies and the agencies merged into any of them."""
        ids = {self.pk}
        frontier = {self.pk}
        while frontier:
            frontier = (
                set(
                    Agency.objects.filter(
                        models.Q(parent_id__in=frontier) | models.Q(merged_into_id__in=frontier)
                    ).values_list("pk", flat=True)
                )
                - ids
            )
            ids |= frontier
        return ids


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their e-mail address; the full name is stored NFC."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("địa chỉ email"), unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    receives_digest = models.BooleanField(
        _("nhận thư tổng hợp hằng tháng"),
        default=True,
        help_text=_("Thư ký ISO và cán bộ Sở nhận số liệu đào tạo mỗi tháng qua email."),
    )
    preferred_language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()
    archive_instead = _("Hãy bỏ chọn “Đang hoạt động” để lưu trữ tài khoản.")

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            # The e-mail is the login: at least "x@y", no blanks (forms check the full syntax).
            models.CheckConstraint(
                condition=models.Q(email__contains="@")
                & ~models.Q(email__startswith="@")
                & ~models.Q(email__endswith="@")
                & ~models.Q(email__contains=" "),
                name="user_email_is_an_address",
                violation_error_message=_("Email không phải là địa chỉ email hợp lệ."),
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name)
        self.position = nfc(self.position)
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split() or [self.email])[-1]
