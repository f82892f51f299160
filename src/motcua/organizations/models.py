"""Administrative units, agencies, their internal departments, officials and roles (ORG-*)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.signals import audited
from motcua.core.text import fold, nfc
from motcua.organizations.codes import is_canonical_agency_code, parse_agency_code

# The two-tier model starts on 1/7/2025 (ORG-02), which is also where three-tier units end.
TWO_TIER_FIRST_DAY = date(2025, 7, 1)
VALID_TO_HELP = _("Ngày đầu tiên không còn hiệu lực; để trống nếu chưa hết hiệu lực.")


def _in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    """Validity periods are half-open, as in the catalogue: valid_from <= on < valid_to, so a unit
    ending on 1/7/2025 and its successor starting that day neither overlap nor leave a gap."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on < valid_to)


def _raise_field_errors(errors: list) -> None:  # type: ignore[type-arg]
    """Turn motcua FieldErrors into a Django ValidationError so the admin shows them by field."""
    if not errors:
        return
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(str(error.message))
    raise ValidationError(by_field)


class AdminUnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    CITY = "city", _("Thành phố trực thuộc trung ương")
    DISTRICT = "district", _("Cấp huyện (trước 1/7/2025)")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn (trước 1/7/2025)")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")


class TierModel(models.TextChoices):
    TWO_TIER_2025 = "two_tier_2025", _("Hai cấp (từ 1/7/2025)")
    THREE_TIER = "three_tier", _("Ba cấp (trước 1/7/2025)")


@audited
class AdminUnit(models.Model):
    """A province or commune-level unit (ORG-02, ORG-03), with national statistics office codes."""

    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=AdminUnitKind.choices)
    tier_model = models.CharField(
        _("mô hình chính quyền"), max_length=20, choices=TierModel.choices, default=TierModel.TWO_TIER_2025
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True, help_text=VALID_TO_HELP)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["tier_model", "code"]
        constraints = [models.UniqueConstraint(fields=["tier_model", "code"], name="admin_unit_code_per_tier")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def in_force_on(self, on: date) -> bool:
        return _in_force(self.valid_from, self.valid_to, on)


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    OFFICE = "office", _("Văn phòng")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SERVICE_CENTER = "service_center", _("Trung tâm Phục vụ hành chính công")
    UNIT = "unit", _("Đơn vị trực thuộc")
    CENTRAL = "central", _("Cơ quan trung ương")
    OTHER = "other", _("Khác")


class AgencyLevel(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 1/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


@audited
class Agency(models.Model):
    """An agency (cơ quan, tổ chức) with its QCVN 102:2016 identifier (ORG-01, ORG-05, ORG-06, ORG-07).

    Identifiers of partner agencies that are not canonical are stored and flagged, never rejected;
    agencies created in this platform must have a canonical identifier.
    """

    code = models.CharField(_("mã định danh"), max_length=40, unique=True)
    code_is_canonical = models.BooleanField(_("mã đúng chuẩn QCVN 102"), default=True, editable=False)
    previous_codes = models.JSONField(_("mã định danh cũ"), default=list, blank=True)
    name = models.CharField(_("tên"), max_length=300)
    short_name = models.CharField(
        _("tên viết tắt"), max_length=30, blank=True, help_text=_("Dùng trong ký hiệu văn bản, ví dụ UBND, STP.")
    )
    kind = models.CharField(_("loại"), max_length=30, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    level = models.CharField(_("cấp"), max_length=20, choices=AgencyLevel.choices, default=AgencyLevel.PROVINCE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("đơn vị hành chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    is_one_stop_unit = models.BooleanField(_("có bộ phận một cửa"), default=False)
    is_external = models.BooleanField(
        _("cơ quan ngoài hệ thống"), default=False, help_text=_("Cơ quan đối tác chỉ dùng để liên thông.")
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True, help_text=VALID_TO_HELP)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Local import: the validation module queries this model.
        from motcua.organizations.validation import agency_errors

        self.code = (self.code or "").strip()
        _raise_field_errors(agency_errors(self))

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.code = (self.code or "").strip()
        self.code_is_canonical = is_canonical_agency_code(self.code)
        self.previous_codes = normalise_previous_codes(self.previous_codes, self.code)
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        with transaction.atomic():
            super().save(*args, **kwargs)
            sync_identifiers(self)

    @property
    def is_active(self) -> bool:
        """In force today (local date) and not replaced by a successor."""
        return self.successor_id is None and _in_force(self.valid_from, self.valid_to, timezone.localdate())

    @property
    def level1_code(self) -> str:
        """`H14` for any agency of Sơn La province; used in sector codes (OS-CAT-07)."""
        parsed = parse_agency_code(self.code)
        return parsed.level1 if parsed else ""


class AgencyIdentifier(models.Model):
    """Every identifier an agency has or had (ORG-06), kept in step with `Agency.code` and
    `Agency.previous_codes` by `Agency.save`. It is an index, not a second source of truth: it makes
    old identifiers resolvable with one indexed query and lets the database refuse one identifier
    for two agencies, whether current or previous.
    """

    code = models.CharField(_("mã định danh"), max_length=40, unique=True)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="identifiers")
    is_current = models.BooleanField(_("mã hiện hành"), default=False)

    class Meta:
        verbose_name = _("mã định danh đã dùng")
        verbose_name_plural = _("mã định danh đã dùng")

    def __str__(self) -> str:
        return self.code


def normalise_previous_codes(codes: object, current: str) -> list[str]:
    """Stripped, de-duplicated, in the original order, without the current code."""
    result: list[str] = []
    for code in codes if isinstance(codes, list) else []:
        text = str(code).strip()
        if text and text != current and text not in result:
            result.append(text)
    return result


def sync_identifiers(agency: Agency) -> None:
    wanted = {agency.code: True, **{code: False for code in agency.previous_codes}}
    existing = {row.code: row for row in AgencyIdentifier.objects.filter(agency=agency)}
    stale = [row.pk for code, row in existing.items() if code not in wanted]
    if stale:
        AgencyIdentifier.objects.filter(pk__in=stale).delete()
    for code, is_current in wanted.items():
        row = existing.get(code)
        if row is None:
            AgencyIdentifier.objects.create(code=code, agency=agency, is_current=is_current)
        elif row.is_current != is_current:
            row.is_current = is_current
            row.save(update_fields=["is_current"])


@audited
class Department(models.Model):
    """A department or unit inside an agency (phòng, bộ phận) that has no identifier of its own."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="departments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=300)
    is_one_stop_unit = models.BooleanField(_("là bộ phận một cửa"), default=False)

    class Meta:
        verbose_name = _("phòng, đơn vị")
        verbose_name_plural = _("phòng, đơn vị")
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="department_code_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency.short_name or self.agency.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.parent_id is not None and self.agency_id is not None:
            if self.parent.agency_id != self.agency_id:
                errors["parent"] = _("Đơn vị cấp trên phải thuộc cùng cơ quan.")
            elif self.pk is not None and _department_parent_loops(self):
                errors["parent"] = _("Đơn vị cấp trên tạo thành vòng lặp.")
        if errors:
            raise ValidationError(errors)


def _department_parent_loops(department: Department) -> bool:
    seen: set[int] = set()
    current = department.parent
    while current is not None:
        if current.pk == department.pk or current.pk in seen:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


class Role(models.TextChoices):
    INTAKE_OFFICER = "intake_officer", _("Cán bộ một cửa")
    HANDLER = "handler", _("Chuyên viên xử lý")
    DEPARTMENT_LEADER = "department_leader", _("Lãnh đạo phòng")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    CLERK = "clerk", _("Văn thư")
    PROVINCIAL_ADMIN = "provincial_admin", _("Quản trị cấp tỉnh")


@audited
class Official(models.Model):
    """A civil servant with a sign-in account (ORG-08)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    title = models.CharField(_("chức danh"), max_length=150, blank=True)
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="officials")
    department = models.ForeignKey(
        Department,
        verbose_name=_("phòng, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officials",
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    signature_image = models.ImageField(_("ảnh chữ ký"), upload_to="signatures/", blank=True)
    is_active = models.BooleanField(_("đang công tác"), default=True)

    class Meta:
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("cán bộ, công chức")
        ordering = ["agency", "full_name"]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.department_id is not None and self.department.agency_id != self.agency_id:
            raise ValidationError({"department": _("Phòng, đơn vị không thuộc cơ quan của cán bộ.")})


@audited
class RoleAssignment(models.Model):
    """A role held by an official in one agency (optionally one department of it)."""

    official = models.ForeignKey(Official, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("phòng, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True, help_text=VALID_TO_HELP)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["official", "role", "agency", "department"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.official} – {self.get_role_display()} – {self.agency.code}"

    def clean(self) -> None:
        # Local import: the validation module queries these models.
        from motcua.organizations.validation import role_assignment_errors

        _raise_field_errors(role_assignment_errors(self))

    def in_force_on(self, on: date) -> bool:
        return _in_force(self.valid_from, self.valid_to, on)
