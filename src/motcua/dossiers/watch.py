"""Deadline watch: due-soon and overdue alerts to officials through the outbox (OS-LATE-04).

`watch_deadlines(now)` looks at dossiers whose clock runs (`accepted`, `in_process`) and whose due
time lies between `now - LOOKBACK_DAYS` and the latest due time any agency could call "due soon":

| kind | when (working time left, on the competent agency's calendar) | to |
|---|---|---|
| `due_soon` | ≤ the agency's due-soon threshold (default 16 working hours = D-2) | the assignee |
| `due_soon_leader` | ≤ one working day (D-1; `LEADER_DUE_SOON_DAYS`) | the agency's leaders |
| `overdue` | the due time has passed | the agency's leaders |
| `step_due_soon` / `step_overdue` | same, for `step_due_at` when the model has it | assignee / leaders |

Leaders are the officials holding `department_leader` or `agency_leader` in the competent agency
today. Messages go by e-mail to the user's address; the idempotency key
`deadline:<code>:<kind>:[<step>:]<due date>:<user id>` makes a repeated sweep send nothing new, while a
new due date (an apology, OS-LATE-03) gives new alerts.

Efficiency: one range query per deadline column (`status IN (...) AND due_at BETWEEN ...`, the
`dossier_status_due` index), streamed with `.iterator()` and handled in batches; related rows come
from `select_related`, leaders and already-sent keys are read once per batch, calendars once per
agency. Logs carry counts only (GEN-04).

Settings (optional) in `settings.MOTCUA["DEADLINE_WATCH"]`: `DUE_SOON_HOURS` (16, used when the agency
has no calendar settings row; with a row, its `due_soon_hours`), `LEADER_DUE_SOON_DAYS` (1, in the
agency's working days; 2 warns leaders while an apology can still be sent the working day before the
due date, OS-LATE-01), `STEP_DUE_SOON_HOURS` (4), `LOOKBACK_DAYS` (30: dossiers overdue for longer are
not looked at again).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from motcua.calendar.engine import WorkCalendar
from motcua.calendar.models import AgencyCalendarSettings, CalendarEntry
from motcua.calendar.services import calendar_for
from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.notify import RELATED_TYPE, public_base_url, tracking_url
from motcua.dossiers.vocabulary import DossierState
from motcua.notifications import services
from motcua.notifications.models import OutboxMessage
from motcua.organizations.models import Agency, Role, RoleAssignment

logger = logging.getLogger("motcua.dossiers")

T = TypeVar("T")
RUNNING_STATES = (DossierState.ACCEPTED.value, DossierState.IN_PROCESS.value)
LEADER_ROLES = (str(Role.DEPARTMENT_LEADER), str(Role.AGENCY_LEADER))
DUE_SOON, DUE_SOON_LEADER, OVERDUE = "due_soon", "due_soon_leader", "overdue"
TEMPLATE = {DUE_SOON: "deadline_due_soon", DUE_SOON_LEADER: "deadline_due_soon", OVERDUE: "deadline_overdue"}
BATCH_SIZE = 200
DEFAULTS: dict[str, Any] = {
    "DUE_SOON_HOURS": 16,
    "LEADER_DUE_SOON_DAYS": 1,
    "STEP_DUE_SOON_HOURS": 4,
    "LOOKBACK_DAYS": 30,
}


def conf(name: str) -> Any:
    """settings.MOTCUA["DEADLINE_WATCH"][name], else the default."""
    return getattr(settings, "MOTCUA", {}).get("DEADLINE_WATCH", {}).get(name, DEFAULTS[name])


def _hours(value: Any) -> timedelta:
    return timedelta(seconds=int(Decimal(str(value)) * 3600))


@dataclass
class WatchResult:
    scanned: int = 0  # deadlines looked at (a dossier with a step deadline counts twice)
    enqueued: Counter[str] = field(default_factory=Counter)  # new messages by kind
    already_sent: int = 0  # alerts an earlier sweep already wrote
    unreachable: int = 0  # alerts with nobody to send to (no assignee, no leader, no e-mail)
    failed: int = 0  # alerts the outbox refused (logged)

    @property
    def total(self) -> int:
        return sum(self.enqueued.values())

    def as_dict(self) -> dict[str, int]:
        counts = {"scanned": self.scanned, "already_sent": self.already_sent, "unreachable": self.unreachable}
        return {**counts, "failed": self.failed, **{f"enqueued_{kind}": n for kind, n in sorted(self.enqueued.items())}}


@dataclass(frozen=True)
class Thresholds:
    handler: timedelta  # due_soon to the assignee (D-2 by default)
    leader: timedelta  # due_soon_leader (D-1: one working day)
    step: timedelta  # step_due_soon to the assignee

    @property
    def widest(self) -> timedelta:
        return max(self.handler, self.leader, self.step)


@dataclass(frozen=True)
class Deadline:
    dossier: Dossier
    due_at: datetime
    is_step: bool = False
    step_name: str = ""
    step_key: str = ""


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str


@dataclass(frozen=True)
class Alert:
    kind: str
    template: str
    recipient: str
    key: str
    context: dict[str, Any]
    code: str


def _settings_row(agency: Agency) -> AgencyCalendarSettings | None:
    try:
        return agency.calendar_settings  # type: ignore[no-any-return]  # select_related: no query
    except AgencyCalendarSettings.DoesNotExist:
        return None


class Calendars:
    """Calendars and thresholds for one sweep. Agencies without settings or entries of their own use
    the province calendar; the others are looked up once each (calendar_for reads a version row)."""

    def __init__(self) -> None:
        self.province = calendar_for(None)
        own = set(AgencyCalendarSettings.objects.values_list("agency_id", flat=True))
        own |= set(CalendarEntry.objects.filter(agency__isnull=False).values_list("agency_id", flat=True).distinct())
        self.own_ids = own
        self._calendars: dict[int, WorkCalendar] = {}

    def of(self, agency: Agency) -> WorkCalendar:
        if agency.pk not in self.own_ids:
            return self.province
        if agency.pk not in self._calendars:
            self._calendars[agency.pk] = calendar_for(agency)
        return self._calendars[agency.pk]

    def thresholds(self, agency: Agency | None) -> Thresholds:
        row = _settings_row(agency) if agency is not None else None
        calendar = self.of(agency) if agency is not None else self.province
        handler = row.due_soon_hours if row is not None else conf("DUE_SOON_HOURS")
        leader = Decimal(calendar.hours_per_day) * Decimal(str(conf("LEADER_DUE_SOON_DAYS")))
        return Thresholds(_hours(handler), _hours(leader), _hours(conf("STEP_DUE_SOON_HOURS")))

    def horizon(self, now: datetime) -> datetime:
        """The latest due time any agency calls due soon at `now`: the upper bound of the range query."""
        latest = self.province.add_working_hours(now, self.thresholds(None).widest)
        for agency in Agency.objects.filter(pk__in=self.own_ids).select_related("calendar_settings"):
            latest = max(latest, self.of(agency).add_working_hours(now, self.thresholds(agency).widest))
        return latest


class Leaders:
    """Leaders of each agency as of one day, read for a whole batch of agencies at a time."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._by_agency: dict[int, list[Recipient]] = {}

    def load(self, agency_ids: Iterable[int]) -> None:
        missing = set(agency_ids) - self._by_agency.keys()
        if not missing:
            return
        for agency_id in missing:
            self._by_agency[agency_id] = []
        in_force = Q(valid_from__isnull=True) | Q(valid_from__lte=self.today)
        not_ended = Q(valid_to__isnull=True) | Q(valid_to__gt=self.today)  # valid_to is exclusive
        rows = (
            RoleAssignment.objects.filter(in_force, not_ended, role__in=LEADER_ROLES, agency_id__in=missing)
            .filter(official__is_active=True, official__user__is_active=True)
            .select_related("official__user")
            .order_by("agency_id", "official__user_id")
        )
        for row in rows:
            user = row.official.user
            found = self._by_agency[row.agency_id]
            if all(known.user_id != user.pk for known in found):  # two leader roles: one message
                found.append(Recipient(user.pk, (user.email or "").strip(), str(row.official.full_name)))

    def of(self, agency_id: int) -> list[Recipient]:
        return self._by_agency.get(agency_id, [])


# --- the query ----------------------------------------------------------------------------------
def _field(name: str) -> Any:
    try:
        return Dossier._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _query(column: str, low: datetime, high: datetime) -> QuerySet[Dossier]:
    related = ["procedure_version", "competent_agency__calendar_settings", "assignee__official"]
    step = _field("current_step")
    if step is not None and step.is_relation:
        related.append("current_step")
    return (
        Dossier.objects.filter(status__in=RUNNING_STATES, **{f"{column}__range": (low, high)})
        .select_related(*related)
        .order_by()
    )


def _step_of(dossier: Dossier) -> tuple[str, str]:
    """(display name, key part) of the current step, when the model has one."""
    step = getattr(dossier, "current_step", None)
    if step in (None, ""):
        return "", ""
    ident = getattr(dossier, "current_step_id", None) or step
    return str(step), str(ident)[:40]


def deadlines(low: datetime, high: datetime) -> Iterator[Deadline]:
    """Dossier deadlines, then step deadlines (if the model has `step_due_at`), due in [low, high]."""
    for dossier in _query("due_at", low, high).iterator(chunk_size=BATCH_SIZE):
        yield Deadline(dossier, dossier.due_at)  # the range excludes NULL
    if _field("step_due_at") is None:
        return
    for dossier in _query("step_due_at", low, high).iterator(chunk_size=BATCH_SIZE):
        name, key = _step_of(dossier)
        yield Deadline(dossier, dossier.step_due_at, is_step=True, step_name=name, step_key=key)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- classification and messages -----------------------------------------------------------------
def classify(now: datetime, deadline: Deadline, calendar: WorkCalendar, limits: Thresholds) -> list[str]:
    """The alert kinds `deadline` calls for at `now` (without the step_ prefix)."""
    if now > deadline.due_at:
        return [OVERDUE]
    left = calendar.working_time_between(now, deadline.due_at)
    if deadline.is_step:
        return [DUE_SOON] if left <= limits.step else []
    kinds = [DUE_SOON] if left <= limits.handler else []
    if left <= limits.leader:
        kinds.append(DUE_SOON_LEADER)
    return kinds


def officer_url(dossier: Dossier) -> str:
    try:
        return public_base_url() + str(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    except NoReverseMatch:
        return tracking_url(dossier.code)


def _assignee(dossier: Dossier) -> Recipient | None:
    user = dossier.assignee
    if user is None or not user.is_active:
        return None
    official = getattr(user, "official", None)
    name = str(official.full_name) if official is not None else str(user.get_username())
    return Recipient(user.pk, (user.email or "").strip(), name)


def _context(deadline: Deadline, kind: str, to: Recipient, assignee: Recipient | None) -> dict[str, Any]:
    dossier = deadline.dossier
    context: dict[str, Any] = {
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "due_at": deadline.due_at,
        "tracking_url": officer_url(dossier),
        "step_name": deadline.step_name,
        "assignee_name": assignee.name if assignee is not None else "",
    }
    if kind != DUE_SOON:
        context["leader_name"] = to.name
    return context


def alerts_for(deadline: Deadline, kinds: list[str], leaders: Leaders, tz: Any, result: WatchResult) -> list[Alert]:
    """One alert per (kind, recipient); recipients without an e-mail address are counted unreachable."""
    dossier = deadline.dossier
    assignee = _assignee(dossier)
    due_day = deadline.due_at.astimezone(tz).date().isoformat()
    found: list[Alert] = []
    for kind in kinds:
        targets = [assignee] if kind == DUE_SOON else leaders.of(dossier.competent_agency_id)
        reachable = [to for to in targets if to is not None and to.email]
        result.unreachable += len(targets) - len(reachable) if targets else 1
        label = f"step_{kind}" if deadline.is_step else kind
        scope = f"{label}:{deadline.step_key}" if deadline.is_step else label
        for to in reachable:
            found.append(
                Alert(
                    kind=label,
                    template=TEMPLATE[kind],
                    recipient=to.email,
                    key=f"deadline:{dossier.code}:{scope}:{due_day}:{to.user_id}",
                    context=_context(deadline, kind, to, assignee),
                    code=dossier.code,
                )
            )
    return found


def enqueue_new(alerts: list[Alert], result: WatchResult) -> None:
    """Write the alerts whose key is not in the outbox yet (one query for the keys of the batch)."""
    if not alerts:
        return
    keys = [alert.key for alert in alerts]
    existing = set(OutboxMessage.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True))
    for alert in alerts:
        if alert.key in existing:
            result.already_sent += 1
            continue
        try:
            services.enqueue_template(
                "email",
                alert.recipient,
                alert.template,
                alert.context,
                idempotency_key=alert.key,
                related=(RELATED_TYPE, alert.code),
            )
        except ValidationFailed as exc:
            result.failed += 1
            logger.warning("dossier.deadline_alert_failed", extra={"kind": alert.kind, "error": exc.code})
            continue
        existing.add(alert.key)
        result.enqueued[alert.kind] += 1


@dataclass
class Sweep:
    now: datetime
    calendars: Calendars
    leaders: Leaders

    def process(self, batch: list[Deadline], result: WatchResult) -> None:
        planned: list[tuple[Deadline, list[str], WorkCalendar]] = []
        for deadline in batch:
            agency = deadline.dossier.competent_agency
            calendar = self.calendars.of(agency)
            kinds = classify(self.now, deadline, calendar, self.calendars.thresholds(agency))
            if kinds:
                planned.append((deadline, kinds, calendar))
        self.leaders.load(d.dossier.competent_agency_id for d, kinds, _c in planned if kinds != [DUE_SOON])
        alerts = [a for d, kinds, cal in planned for a in alerts_for(d, kinds, self.leaders, cal.tz, result)]
        enqueue_new(alerts, result)


def watch_deadlines(now: datetime | None = None) -> WatchResult:
    """One sweep at `now` (default: the current time). Safe to run repeatedly and concurrently."""
    now = now or timezone.now()
    calendars = Calendars()
    sweep = Sweep(now, calendars, Leaders(timezone.localdate(now)))
    low = now - timedelta(days=int(conf("LOOKBACK_DAYS")))
    result = WatchResult()
    for batch in _batches(deadlines(low, calendars.horizon(now)), BATCH_SIZE):
        result.scanned += len(batch)
        sweep.process(batch, result)
    logger.info("dossier.deadline_watch", extra=result.as_dict())
    return result
