"""Procedure catalogue (OS-CAT-01, -05, -06, -07; OS-FEE-02).

A `Procedure` is the stable identity (national code); everything a dossier depends on lives in a
numbered `ProcedureVersion` that goes draft -> published -> retired. Only drafts may change: the
models refuse writes to a non-draft version and to its child rows, so the admin, the API and the
importer cannot change a version a dossier may have pinned (OS-CAT-05).

Validity periods are half-open: a version is in force on day D when valid_from <= D < valid_to
(valid_to empty = open-ended), so "retire at the new valid_from" leaves no gap and no overlap.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict
from motcua.core.signals import audited
from motcua.core.text import fold, nfc

PROCEDURE_CODE_RE = re.compile(r"^[1-3]\.\d{6}$")


class Level(models.TextChoices):
    CENTRAL = "central", _("Cấp trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 1/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


class ServiceMode(models.TextChoices):
    """Online level (OS-CAT-06, NĐ 42/2022)."""

    ONLINE_FULL = "online_full", _("Trực tuyến toàn trình")
    ONLINE_PARTIAL = "online_partial", _("Trực tuyến một phần")
    OFFLINE = "offline", _("Chỉ trực tiếp")


class Channel(models.TextChoices):
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Ngày làm việc")
    WORKING_HOURS = "working_hours", _("Giờ làm việc")
    DAYS = "days", _("Ngày")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")
    RETIRED = "retired", _("Hết hiệu lực")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class FeeChannel(models.TextChoices):
    ALL = "all", _("Mọi hình thức")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Qua bưu chính")
    ONLINE = "online", _("Trực tuyến")


def not_draft_error(version: ProcedureVersion | None = None) -> Conflict:
    label = f" {version.number}" if version is not None else ""
    return Conflict(
        "version_not_draft",
        _("Phiên bản%(label)s đã công bố hoặc hết hiệu lực nên không thể sửa; hãy tạo phiên bản mới.")
        % {"label": label},
    )


@audited
class Sector(models.Model):
    """Lĩnh vực. `code` is `<level-1 agency code>-<field code>` (OS-CAT-07, TT 01/2018 Art. 20)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=60, unique=True)
    field_code = models.CharField(_("mã lĩnh vực quốc gia"), max_length=40, db_index=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = self.code.strip()
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


@audited
class Procedure(models.Model):
    """Thủ tục hành chính: the stable identity that versions hang from (OS-CAT-01)."""

    procedure_code = models.CharField(_("mã thủ tục"), max_length=60, unique=True)
    code_is_canonical = models.BooleanField(_("mã đúng định dạng quốc gia"), default=True, editable=False)
    local_code = models.CharField(_("mã nội bộ"), max_length=60, blank=True, db_index=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["procedure_code"]

    def __str__(self) -> str:
        return f"{self.procedure_code} – {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Codes that are not `d.dddddd` (localised or legacy codes) are kept and flagged, never refused.
        self.procedure_code = self.procedure_code.strip()
        self.code_is_canonical = bool(PROCEDURE_CODE_RE.match(self.procedure_code))
        self.local_code = self.local_code.strip()
        self.name = nfc(self.name)
        super().save(*args, **kwargs)


@audited
class ProcedureVersion(models.Model):
    """One published (or draft) state of a procedure; dossiers pin one (OS-CAT-05)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT, editable=False
    )
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(
        _("hết hiệu lực từ ngày"), null=True, blank=True, help_text=_("Để trống nếu chưa xác định.")
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(_("ngừng lúc"), null=True, blank=True, editable=False)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    procedure_kind = models.CharField(_("loại thủ tục"), max_length=200, blank=True)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedure_versions",
    )
    levels = models.JSONField(_("cấp thực hiện"), default=list, blank=True)
    agencies = models.ManyToManyField(
        "organizations.Agency",
        verbose_name=_("cơ quan thực hiện"),
        blank=True,
        related_name="catalog_procedure_versions",
    )
    competent_agency_text = models.TextField(_("cơ quan thực hiện (theo quyết định công bố)"), blank=True)
    receiving_place = models.TextField(_("địa chỉ tiếp nhận"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    time_limit_days = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=20, choices=TimeLimitUnit.choices, default=TimeLimitUnit.WORKING_DAYS
    )
    time_limit_description = models.TextField(_("mô tả thời hạn"), blank=True)
    service_mode = models.CharField(
        _("mức độ dịch vụ công"), max_length=20, choices=ServiceMode.choices, default=ServiceMode.OFFLINE
    )
    legacy_level = models.PositiveSmallIntegerField(
        _("mức độ cũ (2–4)"), null=True, blank=True, help_text=_("Chỉ để tra cứu; không dùng từ NĐ 42/2022.")
    )
    channels = models.JSONField(_("kênh tiếp nhận"), default=list, blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    publication_decision = models.CharField(_("quyết định công bố"), max_length=200, blank=True)
    has_e_form = models.BooleanField(_("có biểu mẫu điện tử"), default=False)
    national_payload = models.JSONField(_("dữ liệu gốc từ CSDL quốc gia"), null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Search keys (GEN-06): folded once at save so search is a plain LIKE on any database.
    name_folded = models.CharField(max_length=1000, editable=False, db_index=True)
    search_text = models.TextField(editable=False, default="")
    levels_key = models.CharField(max_length=100, editable=False, default="")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_number_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "valid_from", "valid_to"], name="catalog_version_in_force"),
            models.Index(fields=["procedure", "status"], name="catalog_version_proc_status"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.procedure_code} v{self.number} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def refresh_search_keys(self) -> None:
        """Recompute the folded columns; call before bulk_create (no save() there)."""
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        procedure = self.procedure
        codes = [procedure.procedure_code, procedure.local_code]
        self.search_text = " ".join(fold(part) for part in [self.name, *codes] if part)
        self.levels_key = "".join(f",{level}" for level in self.levels) + ","

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not getattr(self, "_allow_transition", False):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored is not None and stored != VersionStatus.DRAFT:
                raise not_draft_error(self)
        self.refresh_search_keys()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self.is_draft:
            raise not_draft_error(self)
        return super().delete(*args, **kwargs)


@receiver(m2m_changed, sender=ProcedureVersion.agencies.through, dispatch_uid="catalog-agencies-draft-only")
def _agencies_draft_only(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    guarded = action in {"pre_add", "pre_remove", "pre_clear"} and isinstance(instance, ProcedureVersion)
    if guarded and not instance.is_draft:
        raise not_draft_error(instance)


class VersionChild(models.Model):
    """A row that belongs to one version and may change only while that version is a draft."""

    # Each subclass declares its own `version` foreign key (with its own related_name).
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    version_id: int

    def _check_draft(self) -> None:
        status = ProcedureVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()
        if status is not None and status != VersionStatus.DRAFT:
            raise not_draft_error(self.version)  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_draft()
        return super().delete(*args, **kwargs)


@audited
class RequiredDocument(VersionChild):
    """Thành phần hồ sơ (dossier component)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="documents"
    )
    case_group = models.CharField(_("trường hợp"), max_length=1000, blank=True)
    code = models.CharField(_("mã giấy tờ"), max_length=60, blank=True)
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    template_name = models.CharField(_("tên mẫu đơn, tờ khai"), max_length=500, blank=True)
    template_url = models.URLField(_("đường dẫn mẫu đơn"), max_length=1000, blank=True)
    template_file = models.FileField(_("tệp mẫu đơn"), upload_to="catalog/templates/", blank=True)
    e_form = models.BooleanField(_("có biểu mẫu điện tử"), default=False)

    class Meta(VersionChild.Meta):
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name[:100]


@audited
class Fee(VersionChild):
    """Phí, lệ phí (OS-FEE-02): amount in whole VND."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="fees"
    )
    code = models.CharField(_("mã phí, lệ phí"), max_length=60, blank=True)
    name = models.CharField(_("tên"), max_length=1000, blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=FeeKind.choices, default=FeeKind.CHARGE)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), default=0)
    channel = models.CharField(_("áp dụng cho"), max_length=10, choices=FeeChannel.choices, default=FeeChannel.ALL)
    is_exempt = models.BooleanField(_("miễn phí, lệ phí"), default=False)
    exemption_text = models.TextField(_("mô tả, trường hợp miễn"), blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,} đ".replace(",", ".")


@audited
class LegalBasis(VersionChild):
    """Căn cứ pháp lý."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="legal_bases"
    )
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    title = models.TextField(_("trích yếu"), blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)

    class Meta(VersionChild.Meta):
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")

    def __str__(self) -> str:
        return self.number or self.title[:100]


@audited
class ResultDocument(VersionChild):
    """Kết quả thực hiện."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản"), on_delete=models.CASCADE, related_name="results"
    )
    code = models.CharField(_("mã kết quả"), max_length=60, blank=True)
    name = models.TextField(_("tên kết quả"))

    class Meta(VersionChild.Meta):
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")

    def __str__(self) -> str:
        return self.name[:100]


from motcua.catalog.process_models import *  # noqa: E402, F403  (internal processes: OS-CAT-03)
