# mypy: allow-subclassing-any
"""The dossier aggregate: dossier, its components, its append-only events, the code counters.

The state columns of `Dossier` (status, substate, deadlines, counters) are a projection of its
`DossierEvent` rows, written in the same transaction as each event by `engine.apply_transition`
(DESIGN.md rule 3); `projection.rebuild_projection` recomputes them from the events alone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel
from motcua.dossiers.timeliness import Timeliness
from motcua.dossiers.vocabulary import DossierState, ProcessingSubstate, ResultKind


class AppendOnlyError(RuntimeError):
    pass


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


STATE_CHOICES = [(state.value, state.value) for state in DossierState]
SUBSTATE_CHOICES = [(sub.value, sub.value) for sub in ProcessingSubstate]
RESULT_CHOICES = [(kind.value, kind.value) for kind in ResultKind]
TIMELINESS_CHOICES = [
    (Timeliness.EARLY.value, _("Trước hạn")),
    (Timeliness.ON_TIME.value, _("Đúng hạn")),
    (Timeliness.LATE.value, _("Quá hạn")),
]


class Dossier(models.Model):
    """Hồ sơ thủ tục hành chính (OS-INTAKE, OS-CODE, OS-STATE)."""

    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    regime = models.CharField(_("chế độ pháp lý"), max_length=20)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", verbose_name=_("phiên bản thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    # Boundary-free intake keeps where the dossier was received apart from who decides it (OS-INTAKE-11).
    receiving_unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    competent_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan có thẩm quyền"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.CharField(_("kênh thực hiện"), max_length=10, choices=Channel.choices)

    applicant_type = models.CharField(_("loại chủ hồ sơ"), max_length=10, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=300)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=20)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    delegate_name = models.CharField(_("người nộp thay"), max_length=300, blank=True)
    delegate_id_number = models.CharField(_("số định danh người nộp thay"), max_length=20, blank=True)
    delegate_phone = models.CharField(_("điện thoại người nộp thay"), max_length=20, blank=True)

    submitted_at = models.DateTimeField(_("nộp lúc"))
    received_at = models.DateTimeField(_("tiếp nhận lúc"))

    # --- projection of the events -------------------------------------------------------------
    status = models.CharField(_("trạng thái"), max_length=24, choices=STATE_CHOICES, default=DossierState.DRAFT)
    substate = models.CharField(_("bước xử lý"), max_length=24, choices=SUBSTATE_CHOICES, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_dossiers",
    )
    accepted_at = models.DateTimeField(_("nhận đủ hồ sơ lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    rescheduled_due_at = models.DateTimeField(_("hẹn trả lại"), null=True, blank=True)
    transfer_due_at = models.DateTimeField(_("hạn chuyển xử lý"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("chuyển xử lý lúc"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    apology_count = models.PositiveSmallIntegerField(_("số lần xin lỗi, hẹn lại"), default=0)
    paused_from = models.CharField(_("tạm dừng từ"), max_length=24, choices=STATE_CHOICES, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    result_kind = models.CharField(_("loại kết quả"), max_length=12, choices=RESULT_CHOICES, blank=True)
    timeliness = models.CharField(_("đánh giá thời hạn"), max_length=10, choices=TIMELINESS_CHOICES, blank=True)
    # The internal process pinned at acceptance and the step the dossier is at (OS-CAT-03/05, OS-PROC-06).
    process_template = models.ForeignKey(
        "catalog.ProcessTemplate",
        verbose_name=_("quy trình nội bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_step = models.CharField(_("bước quy trình hiện tại"), max_length=50, blank=True)
    step_started_at = models.DateTimeField(_("bắt đầu bước lúc"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)

    version = models.PositiveIntegerField(_("phiên bản dữ liệu"), default=0)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["competent_agency", "due_at", "id"], name="dossier_agency_due"),
            models.Index(fields=["competent_agency", "received_at", "id"], name="dossier_agency_received"),
            models.Index(fields=["receiving_unit", "received_at", "id"], name="dossier_unit_received"),
            # The other arm of the agency scope (receiving unit) in due order, beside dossier_agency_due.
            models.Index(fields=["receiving_unit", "due_at", "id"], name="dossier_unit_due"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            # "My dossiers due soon": one index range per assignee and running state.
            models.Index(fields=["assignee", "status", "due_at", "id"], name="dossier_assignee_status_due"),
        ]

    def __str__(self) -> str:
        return str(self.code)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Dossier:
        instance: Dossier = super().from_db(db, field_names, values)
        instance._loaded_channel = instance.__dict__.get("channel")
        instance._loaded_accepted = instance.__dict__.get("accepted_at") is not None
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The intake channel is fixed once the dossier is accepted (OS-INTAKE-01).
        loaded = getattr(self, "_loaded_channel", None)
        if getattr(self, "_loaded_accepted", False) and loaded is not None and loaded != self.channel:
            raise ValueError("the intake channel cannot change after acceptance (OS-INTAKE-01)")
        super().save(*args, **kwargs)


def component_upload_to(instance: DossierComponent, filename: str) -> str:
    # Content-addressed under the dossier code: no user-chosen path reaches the storage.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"dossiers/{instance.dossier.code}/{instance.sha256}.{extension}"


COMPONENT_KINDS = [
    ("submitted", _("Nộp khi tiếp nhận")),
    ("supplement", _("Bổ sung")),
    ("attachment", _("Đính kèm khi xử lý")),
    ("result", _("Kết quả giải quyết")),
    ("form", _("Biểu mẫu đã phát hành")),
]


class DossierComponent(models.Model):
    """Thành phần hồ sơ as submitted: one file with its SHA-256 (GEN-02) and detected type."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="components")
    required_document = models.ForeignKey(
        "catalog.RequiredDocument",
        verbose_name=_("thành phần theo thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    file = models.FileField(_("tệp"), upload_to=component_upload_to, max_length=300)
    filename = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    added_by_event = models.PositiveIntegerField(_("nộp cùng sự kiện số"), default=1)
    kind = models.CharField(_("loại"), max_length=12, choices=COMPONENT_KINDS, default="submitted")
    # Digital signatures of the file (OS-INTAKE-08, SIG-09): for an uploaded PDF the verification
    # summary ({"signed", "ok", "signatures": [...]}); for an issued form whether it was signed.
    signatures = models.JSONField(_("chữ ký số"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return str(self.name)[:100]


class DossierEvent(models.Model):
    """One transition of one dossier: who, when, from, to, action, reason, inputs (DESIGN.md rule 3).

    Append-only: the model refuses updates and deletes, and a dossier with events cannot be deleted.
    `payload` holds the inputs and, under "set", the projection fields the transition changed
    (due times, assignee, verdict) as computed at that moment with the calendar then in force.
    """

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("số thứ tự"))
    occurred_at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=300)
    role = models.CharField(_("vai trò"), max_length=30)
    agency_code = models.CharField(_("mã cơ quan"), max_length=40, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    action = models.CharField(_("hành động"), max_length=30)
    from_state = models.CharField(_("từ trạng thái"), max_length=24)
    to_state = models.CharField(_("sang trạng thái"), max_length=24)
    from_substate = models.CharField(_("từ bước"), max_length=24, blank=True)
    to_substate = models.CharField(_("sang bước"), max_length=24, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    payload = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử xử lý hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.action} {self.from_state} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("dossier events are append-only")


class DossierAgencyPart(models.Model):
    """The part of an inter-agency dossier (liên thông) handled by one other agency (OS-PROC-04/05, OS-XFER-03).

    Opened when the dossier is handed over to that agency, closed when it is handed back (or on to
    the next agency) or resolved; timed against `due_at`. A projection of the hand-over events,
    written by `engine.apply_transition` only; `projection.fold_parts` recomputes it.
    """

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="agency_parts")
    agency = models.ForeignKey(
        "organizations.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="dossier_parts"
    )
    opened_seq = models.PositiveIntegerField(_("mở bởi sự kiện số"))
    started_at = models.DateTimeField(_("nhận hồ sơ lúc"))
    due_at = models.DateTimeField(_("hạn xử lý phần việc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    verdict = models.CharField(_("đánh giá thời hạn"), max_length=10, choices=TIMELINESS_CHOICES, blank=True)

    class Meta:
        verbose_name = _("phần việc liên thông")
        verbose_name_plural = _("phần việc liên thông")
        ordering = ["dossier", "opened_seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "opened_seq"], name="dossier_agency_part_seq_unique"),
        ]
        indexes = [models.Index(fields=["agency", "finished_at"], name="dossier_part_agency_open")]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.agency_id} ({self.opened_seq})"


class DossierCodeCounter(models.Model):
    """Last sequence number used by one receiving unit on one local date (OS-CODE-01, OS-CODE-04)."""

    receiving_unit = models.ForeignKey(
        "organizations.Agency", verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("ngày"))
    last_value = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["receiving_unit", "day"], name="dossier_code_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.receiving_unit_id} {self.day:%y%m%d} {self.last_value}"
