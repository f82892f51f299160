"""Internal processes (quy trình nội bộ, glossary `process_template`) as versioned data (OS-CAT-03, -05).

A `ProcessTemplate` belongs to one procedure and, optionally, one agency (empty = every competent
agency of the procedure). It goes draft -> published -> retired with a half-open validity period,
exactly like `ProcedureVersion`: only drafts (and their steps and transitions) may change, so a
dossier that pinned a template never sees it move (ENGINEERING.md habit 3).

Steps and transitions refer to each other by step key (a slug), not by foreign key, so a process
is the same document in the database, in YAML and in JSON (docs/processes.md).
Imported at the end of `catalog/models.py`; use the names from there or from here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, VersionStatus
from motcua.core.errors import Conflict
from motcua.core.signals import audited
from motcua.organizations.models import Role

__all__ = [
    "HOURS_PER_DAY",
    "AllotmentUnit",
    "ProcessStep",
    "ProcessSubstate",
    "ProcessTemplate",
    "ProcessTransition",
    "Requirement",
    "process_not_draft_error",
]

HOURS_PER_DAY = Decimal(8)  # a working day has 8 working hours (allotments in hours are converted)


class AllotmentUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Ngày làm việc")
    WORKING_HOURS = "working_hours", _("Giờ làm việc")


class ProcessSubstate(models.TextChoices):
    """Processing sub-states of `in_process` (OS-STATE-02); same values as dossiers.vocabulary."""

    ASSIGNED = "assigned", _("Đã phân công")
    APPRAISING = "appraising", _("Đang thẩm định")
    VERIFYING = "verifying", _("Đang xác minh")
    CONSULTING = "consulting", _("Đang lấy ý kiến")
    INTERAGENCY = "interagency", _("Đang liên thông")
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ ký duyệt")


class Requirement(models.TextChoices):
    """What an official must give to take a transition."""

    COMMENT = "comment", _("Ý kiến xử lý")
    ATTACHMENT = "attachment", _("Tệp đính kèm")


def process_not_draft_error(template: ProcessTemplate | None = None) -> Conflict:
    label = f" {template.number}" if template is not None else ""
    return Conflict(
        "process_not_draft",
        _("Quy trình phiên bản%(label)s đã công bố hoặc hết hiệu lực nên không thể sửa; hãy tạo phiên bản mới.")
        % {"label": label},
    )


@audited
class ProcessTemplate(models.Model):
    """One numbered version of the internal process of a procedure (at one agency, or at any)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="process_templates"
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_templates",
        help_text=_("Để trống nếu áp dụng cho mọi cơ quan có thẩm quyền giải quyết thủ tục."),
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
    name = models.CharField(_("tên quy trình"), max_length=500)
    description = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["procedure", "agency", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "number"],
                condition=Q(agency__isnull=False),
                name="process_number_per_agency",
            ),
            models.UniqueConstraint(
                fields=["procedure", "number"], condition=Q(agency__isnull=True), name="process_number_any_agency"
            ),
        ]
        indexes = [models.Index(fields=["procedure", "status", "valid_from"], name="catalog_process_in_force")]

    def __str__(self) -> str:
        where = f" @ {self.agency.code}" if self.agency_id else ""
        return gettext("%(code)s%(where)s – quy trình v%(number)s (%(status)s)") % {
            "code": self.procedure.procedure_code,
            "where": where,
            "number": self.number,
            "status": self.get_status_display(),
        }

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not getattr(self, "_allow_transition", False):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored is not None and stored != VersionStatus.DRAFT:
                raise process_not_draft_error(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self.is_draft:
            raise process_not_draft_error(self)
        return super().delete(*args, **kwargs)


class TemplateChild(models.Model):
    """A row of a process that may change only while its template is a draft."""

    template = models.ForeignKey(ProcessTemplate, verbose_name=_("quy trình"), on_delete=models.CASCADE)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def _check_draft(self) -> None:
        status = ProcessTemplate.objects.filter(pk=self.template_id).values_list("status", flat=True).first()
        if status is not None and status != VersionStatus.DRAFT:
            raise process_not_draft_error(self.template)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_draft()
        return super().delete(*args, **kwargs)


@audited
class ProcessStep(TemplateChild):
    """Bước xử lý: who (role, department) does what (sub-state) in how long (allotment)."""

    template = models.ForeignKey(
        ProcessTemplate, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="steps"
    )
    key = models.SlugField(_("mã bước"), max_length=50)
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò thực hiện"), max_length=30, choices=Role.choices)
    department_code = models.CharField(
        _("mã phòng, đơn vị thực hiện"), max_length=30, blank=True, help_text=_("Để trống nếu không giới hạn.")
    )
    allotment = models.DecimalField(
        _("thời gian"), max_digits=6, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    allotment_unit = models.CharField(
        _("đơn vị thời gian"), max_length=20, choices=AllotmentUnit.choices, default=AllotmentUnit.WORKING_DAYS
    )
    substate = models.CharField(
        _("trạng thái xử lý"), max_length=30, choices=ProcessSubstate.choices, default=ProcessSubstate.APPRAISING
    )
    is_start = models.BooleanField(_("bước bắt đầu"), default=False)
    is_final = models.BooleanField(_("bước kết thúc"), default=False)

    class Meta(TemplateChild.Meta):
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("các bước xử lý")
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="process_step_key_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def allotment_days(self) -> Decimal:
        """The allotment in working days (8 working hours a day)."""
        if self.allotment_unit == AllotmentUnit.WORKING_HOURS:
            return self.allotment / HOURS_PER_DAY
        return self.allotment


@audited
class ProcessTransition(TemplateChild):
    """From one step, by one action, to another step; taken by the listed roles (OS-STATE-03)."""

    template = models.ForeignKey(
        ProcessTemplate, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.SlugField(_("mã thao tác"), max_length=50, help_text=_("Ví dụ: forward, approve, send_back."))
    name = models.CharField(_("tên thao tác"), max_length=300)
    from_step = models.SlugField(_("từ bước"), max_length=50)
    to_step = models.SlugField(_("đến bước"), max_length=50)
    roles = models.JSONField(
        _("vai trò được thực hiện"),
        default=list,
        blank=True,
        help_text=_("Để trống: vai trò thực hiện bước xuất phát."),
    )
    requires = models.JSONField(_("yêu cầu kèm theo"), default=list, blank=True)

    class Meta(TemplateChild.Meta):
        verbose_name = _("chuyển bước")
        verbose_name_plural = _("các chuyển bước")

    def __str__(self) -> str:
        return f"{self.from_step} —{self.action}→ {self.to_step}"
