"""The one-stop forms filled from real dossiers (OS-FORM-01..10, OS-CODE-03).

`forms/` renders plain data objects and never reads the models; this module is the bridge: it reads a
dossier, its components, its procedure version, its agencies and its append-only events, and builds
the data object of each form. Everything printed is derived from the event log (DESIGN.md rule 3):
the apology reads the due time from the projection folded up to the apology event, the control slip
folds the events once and judges each hand-over against the due time in force at that moment.

Printed wording is Vietnamese whatever the request language (the forms are legal documents);
error messages go through gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.services import time_zone
from motcua.catalog.models import Channel, TimeLimitUnit
from motcua.core.errors import NotFound
from motcua.core.text import nfc
from motcua.dossiers import projection
from motcua.dossiers.forms import (
    ApologyData,
    Applicant,
    ControlSlipData,
    DocumentForm,
    FormData,
    FormHeader,
    HandOver,
    ReceiptComponent,
    ReceiptData,
    RefusalData,
    Regime,
    RegisterData,
    RegisterRow,
    StopNoticeData,
    SupplementItem,
    SupplementRequestData,
    Timeliness,
    form_number,
    format_form_datetime,
    render_form,
)
from motcua.dossiers.forms.issue import issued_pdf
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.timeliness import timeliness
from motcua.dossiers.vocabulary import ACTION_LABELS, STATE_LABELS, Action, DossierState
from motcua.organizations.models import AgencyIdentifier, Official

# Forms printed for one dossier; the register (06/07) is per receiving unit and year.
DOSSIER_FORM_KEYS = ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "control_slip")
# Events that move the dossier from one holder to another: one row each on the control slip (OS-FORM-06).
_HOPS = (Action.TRANSFER, Action.ASSIGN, Action.START_STEP, Action.COMPLETE_STEP, Action.SEND_BACK)
HANDOVER_ACTIONS = frozenset((*_HOPS, Action.RESOLVE, Action.RETURN_RESULT))
ONE_STOP_UNIT = "BỘ PHẬN MỘT CỬA"
DEFAULT_SIGNER_TITLE = "THỦ TRƯỞNG CƠ QUAN"
PLACE_PREFIXES = ("thành phố ", "tỉnh ", "phường ", "xã ", "đặc khu ", "thị trấn ", "thị xã ", "quận ", "huyện ")
TERMINAL_NOTES = (DossierState.NOT_ACCEPTED, DossierState.WITHDRAWN, DossierState.STOPPED)


# --- shared pieces -----------------------------------------------------------------------------
def not_available(key: str) -> NotFound:
    return NotFound(
        "form_not_available",
        _("Hồ sơ này không có biểu mẫu “%(form)s” (chưa phát sinh hoặc không áp dụng).") % {"form": key},
    )


def dossier_regime(dossier: Dossier) -> Regime:
    """The regime pinned on the dossier at intake; the configured one for rows that lack it."""
    for value in (dossier.regime, settings.MOTCUA.get("REGIME", "")):
        try:
            return Regime(str(value))
        except ValueError:
            continue
    return Regime.ND61_2018


def resolve_form(regime: Regime, wanted: str) -> tuple[str, str]:
    """(key, printed number) of a dossier form asked for by number under `regime` or by key."""
    text = wanted.strip()
    numbers = {}
    for key in (*DOSSIER_FORM_KEYS, "register"):
        try:
            numbers[form_number(key, regime)] = key
        except KeyError:
            continue
    key = numbers.get(text.zfill(2) if text.isdigit() else "", text)
    if key not in DOSSIER_FORM_KEYS or key not in numbers.values():  # e.g. no stop notice under NĐ 61
        raise not_available(text)
    return key, form_number(key, regime)


def _place(unit: Any) -> str:
    """The place of the date line: configured, else the administrative unit's short name."""
    configured = str(settings.MOTCUA.get("FORM_PLACE", "")).strip()
    if configured:
        return configured
    for agency in (unit, unit.parent):
        admin = getattr(agency, "admin_unit", None) if agency is not None else None
        if admin is not None:
            name = str(admin.name)
            for prefix in PLACE_PREFIXES:
                if name.lower().startswith(prefix):
                    return name[len(prefix) :]
            return name
    return ""


def form_header(unit: Any, regime: Regime, on: date | datetime) -> FormHeader:
    """Masthead of `unit`: its parent over it, or the agency over its one-stop section."""
    parent = unit.parent
    governing = parent.name if parent is not None else unit.name
    issuing = unit.name.upper() if parent is not None else ONE_STOP_UNIT
    day = timezone.localtime(on).date() if isinstance(on, datetime) else on
    return FormHeader(
        governing_body=str(governing).upper(),
        issuing_unit=str(issuing),
        place=_place(unit),
        date=day,
        regime=regime,
        unit_name=str(unit.name),
    )


def _common(d: Dossier, when: datetime) -> dict[str, Any]:
    """Masthead (dated `when`), dossier code, applicant and requested matter shared by forms 01-05."""
    return {
        "header": form_header(d.receiving_unit, dossier_regime(d), when),
        "dossier_code": d.code,
        "applicant": Applicant(d.applicant_name, d.applicant_address, d.applicant_phone, d.applicant_email),
        "matter": d.procedure_version.name,
    }


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.order_by("seq"))


def _last(events: Sequence[DossierEvent], action: str) -> DossierEvent | None:
    return next((event for event in reversed(events) if event.action == action), None)


def _inputs(event: Any) -> Mapping[str, Any]:
    value = (event.payload or {}).get("inputs") or {}
    return value if isinstance(value, Mapping) else {}


def _time(value: Any) -> datetime | None:
    """A datetime, or one stored as ISO 8601 text in an event payload; None otherwise."""
    try:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _set_time(event: Any, name: str) -> datetime | None:
    return _time(((event.payload or {}).get("set") or {}).get(name))


def time_limit_text(version: Any) -> str:
    """(3) statutory time: "03 ngày làm việc" from the version, else its free-text description."""
    days = version.time_limit_days
    if days is None:
        return str(version.time_limit_description or "").strip()
    amount = Decimal(days)
    number = f"{int(amount):02d}" if amount == amount.to_integral_value() else f"{amount.normalize()}".replace(".", ",")
    labels = {TimeLimitUnit.WORKING_HOURS: "giờ làm việc", TimeLimitUnit.DAYS: "ngày"}
    return f"{number} {labels.get(version.time_limit_unit, 'ngày làm việc')}"


def return_place(dossier: Dossier) -> str:
    """(6) where the result is returned: the applicant's address by post, else the unit's counter."""
    if dossier.channel == Channel.POSTAL and dossier.applicant_address:
        return f"Qua dịch vụ bưu chính công ích, địa chỉ: {dossier.applicant_address}"
    unit = dossier.receiving_unit
    return f"Bộ phận Một cửa, {unit.name}" + (f", {unit.address}" if unit.address else "")


def tracking_url(code: str) -> str:
    """Public tracking address printed as the receipt's QR code (OS-CODE-03)."""
    base = str(settings.MOTCUA.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/tra-cuu/{code}/"


# --- register numbering (OS-FORM-07/08) ------------------------------------------------------
def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = time_zone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def register_queryset(unit: Any, year: int) -> QuerySet[Dossier]:
    """Dossiers received by `unit` in local calendar `year`: one register book per year."""
    start, end = _year_bounds(year)
    return Dossier.objects.filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)


def register_entry(dossier: Dossier) -> tuple[int, int]:
    """(book = year, entry number): the dossier's position in its unit's register, counted from 1."""
    year = dossier.received_at.astimezone(time_zone()).year
    earlier = Q(received_at__lt=dossier.received_at) | Q(received_at=dossier.received_at, pk__lte=dossier.pk)
    return year, register_queryset(dossier.receiving_unit_id, year).filter(earlier).count()


# --- 01 receipt ---------------------------------------------------------------------------------
def receipt_data(dossier: Dossier, *, copy: int = 2) -> ReceiptData:
    """Form 01 from the accept event (OS-FORM-03): due time as promised at acceptance."""
    events = _events(dossier)
    accept = _last(events, Action.ACCEPT)
    if accept is None:
        raise not_available("receipt")
    components = dossier.components.filter(added_by_event__lte=accept.seq).only("name", "originals", "copies")
    due = _set_time(accept, "due_at") or dossier.original_due_at or dossier.due_at
    book, entry = register_entry(dossier)
    return ReceiptData(
        **_common(dossier, accept.occurred_at),
        components=tuple(ReceiptComponent(c.name, c.originals, c.copies) for c in components),
        sets=1,
        time_limit=time_limit_text(dossier.procedure_version),
        received_at=accept.occurred_at,
        due_at=cast(datetime, due),  # None (no statutory time) prints as a blank
        return_place=return_place(dossier),
        register_book=str(book),
        register_entry=f"{entry:02d}",
        officer_name=accept.actor_name,
        copy=copy,
        tracking_url=tracking_url(dossier.code),
    )


# --- 02 supplement request, 03 refusal ------------------------------------------------------------
def _document_form(text: str) -> DocumentForm:
    folded = nfc(text).lower()
    if "chứng thực" in folded:
        return DocumentForm.CERTIFIED_COPY
    if "bản sao" in folded or "photo" in folded:
        return DocumentForm.PHOTOCOPY
    return DocumentForm.ORIGINAL


def supplement_item(raw: Any) -> SupplementItem:
    """One requested component: the API sends names; a mapping may also give quantity and form."""
    if isinstance(raw, Mapping):
        name = str(raw.get("name", "")).strip()
        quantity = raw.get("quantity", 1)
        wanted = str(raw.get("form", ""))
        form = DocumentForm(wanted) if wanted in {f.value for f in DocumentForm} else _document_form(name)
        return SupplementItem(name, int(quantity) if str(quantity).isdigit() else 1, form)
    name = str(raw).strip()
    return SupplementItem(name, 1, _document_form(name))


def _official_phone(event: DossierEvent) -> str:
    if event.actor_id is None:
        return ""
    return str(Official.objects.filter(user_id=event.actor_id).values_list("phone", flat=True).first() or "")


def supplement_request_data(dossier: Dossier) -> SupplementRequestData:
    """Form 02 from the latest request_supplement event (OS-FORM-04)."""
    event = _last(_events(dossier), Action.REQUEST_SUPPLEMENT)
    if event is None:
        raise not_available("supplement_request")
    inputs = _inputs(event)
    items = inputs.get("items") or []
    return SupplementRequestData(
        **_common(dossier, event.occurred_at),
        items=tuple(supplement_item(raw) for raw in (items if isinstance(items, list) else [items])),
        reason=str(inputs.get("reason") or event.reason),
        contact_name=event.actor_name,
        contact_phone=_official_phone(event) or str(dossier.receiving_unit.phone),
        officer_name=event.actor_name,
    )


def refusal_data(dossier: Dossier) -> RefusalData:
    """Form 03 from the not_accept event; each line of the reason is one printed reason (OS-FORM-04)."""
    event = _last(_events(dossier), Action.NOT_ACCEPT)
    if event is None:
        raise not_available("refusal")
    text = str(_inputs(event).get("reason") or event.reason)
    reasons = [line.strip() for line in text.splitlines() if line.strip()] or ["—"]
    return RefusalData(
        **_common(dossier, event.occurred_at),
        reasons=tuple(reasons),
        officer_name=event.actor_name,
    )


# --- 04 apology -------------------------------------------------------------------------------------
def apology_data(dossier: Dossier) -> ApologyData:
    """Form 04 (OS-FORM-05): the due time in force just before the apology, and the new one."""
    events = _events(dossier)
    index = next((i for i in range(len(events) - 1, -1, -1) if events[i].action == Action.APOLOGIZE), None)
    if index is None:
        raise not_available("apology")
    event, before = events[index], projection.fold(events[:index])
    new_due = _time(_inputs(event).get("new_due_at")) or _set_time(event, "due_at")
    return ApologyData(
        **_common(dossier, event.occurred_at),
        received_at=before["accepted_at"] or dossier.received_at,
        due_at=before["due_at"] or before["original_due_at"],
        delay_reason=str(_inputs(event).get("reason") or event.reason),
        new_due_at=cast(datetime, new_due),
        return_place=return_place(dossier),
        signer_title=str(settings.MOTCUA.get("APOLOGY_SIGNER_TITLE", DEFAULT_SIGNER_TITLE)),
        signer_name=event.actor_name,
    )


# --- 05 stop notice (NĐ 118/2025) ------------------------------------------------------------------
def stop_notice_data(dossier: Dossier) -> StopNoticeData:
    """The stop notice from the stop event (OS-STOP-02); each line of the reason is one printed reason."""
    event = _last(_events(dossier), Action.STOP)
    if event is None:
        raise not_available("stop_notice")
    text = str(_inputs(event).get("reason") or event.reason)
    return StopNoticeData(
        **_common(dossier, event.occurred_at),
        received_at=dossier.received_at,
        stopped_at=event.occurred_at,
        reasons=tuple(line.strip() for line in text.splitlines() if line.strip()) or ("—",),
        signer_title=str(settings.MOTCUA.get("APOLOGY_SIGNER_TITLE", DEFAULT_SIGNER_TITLE)),
        signer_name=event.actor_name,
    )


# --- 05 control slip (OS-FORM-06) -------------------------------------------------------------------
class _Names:
    """Display names of agencies (by any identifier) and officials (by username), looked up once."""

    def __init__(self) -> None:
        self._agencies: dict[str, str] = {}
        self._people: dict[str, str] = {}

    def agency(self, code: str) -> str:
        if code not in self._agencies:
            row = AgencyIdentifier.objects.filter(code=code).values_list("agency__name", flat=True).first()
            self._agencies[code] = str(row or code)
        return self._agencies[code]

    def person(self, username: str) -> str:
        if username not in self._people:
            row = Official.objects.filter(user__username=username).values_list("full_name", flat=True).first()
            self._people[username] = str(row or username)
        return self._people[username]


def _receiver(dossier: Any, event: Any, names: _Names) -> str:
    inputs = _inputs(event)
    if inputs.get("receiver"):
        return str(inputs["receiver"])
    if event.action == Action.TRANSFER:
        return names.agency(str(inputs.get("recipient", "")).strip())
    if event.action == Action.ASSIGN:
        return names.person(str(inputs.get("assignee", "")).strip())
    if event.action == Action.RESOLVE:
        return f"Bộ phận Một cửa, {dossier.receiving_unit.name}"
    if event.action == Action.RETURN_RESULT:
        return str(inputs.get("collector") or dossier.applicant_name)
    return str(inputs.get("step") or "")


def _hop_result(event: Any, before: Mapping[str, Any]) -> Timeliness | None:
    """The hop judged against its own due time when one is known (OS-RET-05 rule): the transfer
    deadline (OS-XFER-02), the step's due time, or a verdict the event recorded (result, agency part)."""
    payload = event.payload or {}
    if event.action == Action.RESOLVE:
        verdict = (payload.get("set") or {}).get("timeliness")
    else:
        verdict = ((payload.get("parts") or {}).get("close") or {}).get("verdict")
    if verdict or event.action == Action.RESOLVE:
        return Timeliness(verdict) if verdict else None
    due = None
    if event.action == Action.TRANSFER and event.from_state == DossierState.ACCEPTED:
        due = before.get("transfer_due_at")
    elif event.action in (Action.COMPLETE_STEP, Action.SEND_BACK):
        due = before.get("step_due_at")
    due = _time(_inputs(event).get("due_at")) or _time(payload.get("due_at")) or due
    return timeliness(event.occurred_at, due, time_zone()) if due is not None else None


def _note(event: Any) -> str:
    inputs = _inputs(event)
    try:
        label = ACTION_LABELS[Action(event.action)][0]
    except ValueError:
        label = str(event.action)
    step = str(inputs.get("step") or "")
    extra = str(inputs.get("comment") or "")
    return "; ".join(part for part in (label, step, extra) if part)


def handovers(dossier: Any, events: Sequence[Any]) -> list[HandOver]:
    """One row per hand-over event, each judged with the projection as it stood before it."""
    names, rows, state = _Names(), [], projection.initial()
    for event in events:
        if event.action in HANDOVER_ACTIONS:
            rows.append(
                HandOver(
                    giver=event.actor_name,
                    receiver=_receiver(dossier, event, names),
                    handed_over_at=event.occurred_at,
                    result=_hop_result(event, state),
                    note=_note(event),
                )
            )
        state = projection.apply_event(
            state,
            action=event.action,
            from_state=event.from_state,
            to_state=event.to_state,
            to_substate=event.to_substate,
            occurred_at=event.occurred_at,
            payload=event.payload or {},
        )
    return rows


def _coordinating(dossier: Dossier, events: Sequence[DossierEvent]) -> list[str]:
    """Agencies reached by inter-agency transfers during processing (liên thông)."""
    names, found = _Names(), []
    for event in events:
        if event.action == Action.TRANSFER and event.from_state == DossierState.IN_PROCESS:
            name = names.agency(str(_inputs(event).get("recipient", "")).strip())
            if name != dossier.competent_agency.name and name not in found:
                found.append(name)
    return found


def control_slip_data(dossier: Dossier) -> ControlSlipData:
    """Form 05 (06 under NĐ 118/2025) from the audit log: header plus one row per hand-over."""
    events = _events(dossier)
    accept = _last(events, Action.ACCEPT)
    if accept is None:
        raise not_available("control_slip")
    return ControlSlipData(
        **_common(dossier, accept.occurred_at),
        received_at=accept.occurred_at,
        due_at=cast(datetime, dossier.due_at or dossier.original_due_at),
        lead_agency=dossier.competent_agency.name,
        coordinating_agencies=tuple(_coordinating(dossier, events)),
        handovers=tuple(handovers(dossier, events)),
    )


# --- 06/07 register ------------------------------------------------------------------------------
_DATES = ("received_at", "due_at", "transferred_at", "finished_at", "returned_at", "rescheduled_due_at")
_PEOPLE = ("applicant_name", "applicant_phone", "applicant_email", "applicant_address")
REGISTER_FIELDS = ("code", "status", *_DATES, *_PEOPLE, "procedure_version__name", "competent_agency__name")


def _register_note(dossier: Dossier) -> str:
    state = DossierState(dossier.status)
    if state in TERMINAL_NOTES:
        return STATE_LABELS[state][0]
    if dossier.rescheduled_due_at is not None:
        return "Hẹn lại: " + format_form_datetime(dossier.rescheduled_due_at)
    return ""


def register_rows(unit: Any, year: int) -> Iterator[RegisterRow]:
    """Rows in receipt order, streamed from the database (bounded memory for a year's book)."""
    queryset = (
        register_queryset(unit, year)
        .select_related("procedure_version", "competent_agency")
        .only(*REGISTER_FIELDS)
        .order_by("received_at", "pk")
    )
    for no, dossier in enumerate(queryset.iterator(chunk_size=500), start=1):
        contact = [dossier.applicant_phone, dossier.applicant_email, dossier.applicant_address]
        yield RegisterRow(
            no=no,
            dossier_code=dossier.code,
            procedure=dossier.procedure_version.name,
            applicant=dossier.applicant_name,
            contact="; ".join(part for part in contact if part),
            agency=dossier.competent_agency.name,
            received_at=dossier.received_at,
            due_at=cast(datetime, dossier.due_at),
            transferred_at=dossier.transferred_at,
            result_received_at=dossier.finished_at,
            returned_at=dossier.returned_at,
            note=_register_note(dossier),
        )


def register_data(
    unit: Any, year: int, *, regime: Regime | str | None = None, today: date | None = None
) -> RegisterData:
    """Form 06 (07 under NĐ 118/2025) of `unit` for `year` under the configured regime."""
    chosen = Regime(regime) if regime else Regime(str(settings.MOTCUA.get("REGIME") or Regime.ND61_2018))
    header = form_header(unit, chosen, today or timezone.localdate())
    return RegisterData(header=header, year=year, rows=tuple(register_rows(unit, year)), book_no=str(year))


# --- entry points -----------------------------------------------------------------------------------
def build_form(dossier: Dossier, key: str, *, copy: int = 2) -> FormData:
    """The data object of dossier form `key`; NotFound("form_not_available") when it does not apply."""
    builders: dict[str, Callable[[Dossier], FormData]] = {
        "supplement_request": supplement_request_data,
        "refusal": refusal_data,
        "apology": apology_data,
        "stop_notice": stop_notice_data,
        "control_slip": control_slip_data,
    }
    if key == "receipt":
        return receipt_data(dossier, copy=copy)
    if key not in builders:
        raise not_available(key)
    return builders[key](dossier)


def dossier_form_pdf(dossier: Dossier, wanted: str, *, copy: int = 2) -> tuple[str, bytes]:
    """(printed number, PDF) of the form asked for by number under the dossier's regime or by key."""
    key, number = resolve_form(dossier_regime(dossier), wanted)
    if copy == 2:  # the applicant's copy of a form issued electronically: the stored, signed one (SIG-07)
        issued = issued_pdf(dossier, key)
        if issued is not None:
            return number, issued
    return number, render_form(key, build_form(dossier, key, copy=copy))


def register_pdf(unit: Any, year: int) -> tuple[str, bytes]:
    """(printed number, PDF) of the register of `unit` for `year`."""
    data = register_data(unit, year)
    return form_number("register", data.header.regime), render_form("register", data)
