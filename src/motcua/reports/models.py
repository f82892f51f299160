# mypy: allow-subclassing-any
"""Report facts: one row per dossier part, kept in step with the dossier events (RPT-PER-06).

`ReportFact` holds what the periodic report needs about one dossier at one agency: when it was
accepted, when and how it ended, the verdict. Part 0 is the dossier at its competent agency; an
inter-agency dossier (liên thông) adds one row per part handled by another agency (`part_seq` is
the `opened_seq` of that `DossierAgencyPart`). `ReportSpan` rows say when a part was overdue or
waiting for a supplement, so the in-progress columns can be taken at any cut-off.

Both tables are projections of the `DossierEvent` rows, rewritten by `facts.refresh_dossier` in the
transaction that writes each event; `facts.rebuild_all` recomputes them from the events alone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EndKind(models.TextChoices):
    RESOLVED = "resolved", _("Đã giải quyết")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    STOPPED = "stopped", _("Dừng giải quyết")


class ReportFact(models.Model):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="report_facts")
    part_seq = models.PositiveIntegerField(_("phần việc"), default=0)
    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp"), max_length=20)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("catalog.Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("kênh"), max_length=10)
    # The procedure version's online level (trực tuyến toàn trình / một phần), for RPT-PER-05.
    service_mode = models.CharField(_("mức độ dịch vụ công"), max_length=20, blank=True, default="")
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"))
    due_at = models.DateTimeField(_("hạn ban đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    end_kind = models.CharField(_("kết thúc"), max_length=10, choices=EndKind.choices, blank=True)
    verdict = models.CharField(_("đánh giá thời hạn"), max_length=10, blank=True)
    late_with_apology = models.BooleanField(default=False)
    refusal = models.BooleanField(default=False)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    # QĐ 766 index 2.1 verdict at the finish (RPT-766-04, OS-SUPP-03); None while unfinished.
    kpi_on_time = models.BooleanField(null=True, blank=True)
    # ceil(log2(hours from acceptance to finish)), at least 0; None while unfinished. "In progress at
    # T" then needs only the rows accepted within 2**k hours before T in each class k (see stock.py).
    duration_class = models.PositiveSmallIntegerField(null=True, blank=True)
    # First moment the part was overdue (None: never), a cheap pre-filter before the span lookup.
    overdue_from = models.DateTimeField(null=True, blank=True)
    spans_key = models.TextField(default="", blank=True)

    class Meta:
        verbose_name = _("dữ liệu báo cáo")
        verbose_name_plural = _("dữ liệu báo cáo")
        constraints = [models.UniqueConstraint(fields=["dossier", "part_seq"], name="report_fact_part_unique")]
        indexes = [
            models.Index(fields=["agency", "accepted_at"], name="report_fact_agency_acc"),
            models.Index(fields=["accepted_at"], name="report_fact_acc"),
            models.Index(fields=["finished_at"], name="report_fact_fin"),
            models.Index(fields=["duration_class", "accepted_at"], name="report_fact_class_acc"),
            models.Index(
                fields=["accepted_at"], name="report_fact_unfinished", condition=models.Q(finished_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.part_seq}"


class SpanKind(models.TextChoices):
    OVERDUE = "overdue", _("Quá hạn")
    SUPPLEMENT = "supplement", _("Chờ bổ sung")


class ReportSpan(models.Model):
    """The part was overdue (or waiting for a supplement) at every cut-off T with lo < T <= hi.

    "At T" means after every event strictly before T; `hi` None: still so."""

    fact = models.ForeignKey(ReportFact, on_delete=models.CASCADE, related_name="spans")
    kind = models.CharField(max_length=10, choices=SpanKind.choices)
    lo = models.DateTimeField()
    hi = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khoảng thời gian")
        verbose_name_plural = _("khoảng thời gian")
        indexes = [models.Index(fields=["fact", "kind", "lo"], name="report_span_fact")]

    def __str__(self) -> str:
        return f"{self.fact_id} {self.kind} ({self.lo}, {self.hi}]"


COUNTS = ("new", "resolved", "early", "on_time", "late", "late_with_apology", "refusal", "withdrawn", "stopped")


class Flow(models.Model):
    """Counts of facts accepted (new) and finished (the rest) on one local day (grain "d"), in
    one month (grain "m", `day` = the 1st) or in one year (grain "y", `day` = 1 January),
    maintained by `facts.refresh_dossier` with the same deltas as the facts (RPT-PER-02 columns
    C, D, F). A report takes the fewest rows that cover its days (`periodic.segments`) and the
    in-progress stock as the running sum of the rows before a day."""

    grain = models.CharField(max_length=1)
    day = models.DateField()
    # The intake channel; an online dossier of a procedure offered online toàn trình / một phần is
    # keyed "online_full" / "online_partial" (RPT-PER-05), see `facts.flow_channel`.
    channel = models.CharField(max_length=20)
    new = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    late_with_apology = models.IntegerField(default=0)
    refusal = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)

    class Meta:
        abstract = True


class FlowByAgency(Flow):
    """Per agency (parts included, flagged), for reports grouped by agency or level."""

    agency_id = models.IntegerField()
    level = models.CharField(max_length=20)
    is_part = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("số liệu theo cơ quan")
        verbose_name_plural = _("số liệu theo cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "agency_id", "level", "channel", "is_part"], name="report_flow_agency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.agency_id}"


class FlowByProcedure(Flow):
    """Per procedure (each dossier once), for reports grouped by procedure or sector; `sector_id`
    0 when the procedure version names none."""

    procedure_id = models.IntegerField()
    sector_id = models.IntegerField()

    class Meta:
        verbose_name = _("số liệu theo thủ tục")
        verbose_name_plural = _("số liệu theo thủ tục")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "procedure_id", "sector_id", "channel"], name="report_flow_procedure_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.procedure_id}"
