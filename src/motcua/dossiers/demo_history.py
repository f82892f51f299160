"""A believable past for the demo province: a few thousand dossiers over the last months.

Every dossier goes through the same services as real work (`receive_dossier`, `perform_action`)
with the time passed in, so events, deadlines, verdicts, codes and audit records are what the
platform would have written. Each dossier follows a planned life (approved early / on time / late,
apology, supplement, refusal, withdrawal, stop, not accepted); a step planned after `end` is not
taken, so recent dossiers stay received, in progress, waiting for a supplement or overdue.

Deterministic for one seed and one database content: random.Random(seed), officials and agencies
read in code/username order. Idempotent: with any dossier in the database it does nothing.
"""

from __future__ import annotations

import random
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.calendar.engine import WorkCalendar
from motcua.calendar.services import calendar_for
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.versioning import version_in_force
from motcua.core.context import Actor, acting_as
from motcua.core.errors import DomainError
from motcua.dossiers.applicants import Applicant
from motcua.dossiers.files import Upload
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.notify import muted
from motcua.dossiers.outcomes import count_outcomes
from motcua.dossiers.services import perform_action, receive_dossier
from motcua.dossiers.vocabulary import Role
from motcua.organizations.models import Agency, RoleAssignment

HISTORY_WORKING_DAYS = 85  # about four months
PER_WORKING_DAY = 12  # a smaller history is packed into fewer recent days (at least MIN_WORKING_DAYS)
# ~50 ms of CPU a dossier on SQLite (2-core machine, Nov 2026 services): 1,000 fit in about a minute.
DEFAULT_COUNT = 3000
SHARE_PAUSE_S = 0.12
MIN_WORKING_DAYS = 10
LEADERS = (Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER)
ONLINE = "online"
# Planned lives and their weights (per 100 dossiers).
LIVES: tuple[tuple[str, int], ...] = (
    ("early", 47),
    ("on_time", 18),
    ("late", 5),
    ("apology", 4),
    ("refusal", 3),
    ("supplement", 8),
    ("intake_supplement", 4),
    ("not_accepted", 5),
    ("withdrawn", 4),
    ("stopped", 2),
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Cầm", "Quàng", "Lường", "Vì", "Đinh", "Hà")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh")
GIVEN = ("An", "Bình", "Chiến", "Dung", "Hạnh", "Hùng", "Lan", "Mai", "Nam", "Pằng", "Thoa", "Xuân", "Yến")
FIRMS = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
BUSINESS_WORDS = ("doanh nghiệp", "kinh doanh", "khuyến mại", "bán lẻ", "năng lực", "văn phòng công chứng", "hội")
SUPPLEMENT_ITEMS = ("Bản sao có chứng thực giấy tờ tùy thân", "Bản vẽ có chữ ký của chủ đầu tư", "Tờ khai ký đủ")
GenerateLog = Callable[[str], None]


def _pdf() -> bytes:
    """A minimal valid one-page PDF (header, three objects, xref table, trailer): a few hundred bytes."""
    bodies = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _png() -> bytes:
    """A valid 1x1 grey PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x80")  # filter byte, one grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PDF, PNG = _pdf(), _png()


# --- who works where ------------------------------------------------------------------------------
def _staff(today: date) -> dict[int, dict[str, list[Any]]]:
    """Agency id -> role -> active users holding it today (RoleAssignment), by username."""
    rows = (
        RoleAssignment.objects.select_related("official__user")
        .filter(official__is_active=True, official__user__is_active=True)
        .order_by("official__user__username", "role")
    )
    staff: dict[int, dict[str, list[Any]]] = {}
    for row in rows:
        if not row.in_force_on(today):
            continue
        users = staff.setdefault(row.agency_id, {}).setdefault(row.role, [])
        if row.official.user not in users:
            users.append(row.official.user)
    return staff


@dataclass(frozen=True)
class Route:
    """One procedure at one competent agency, received at one unit, with the officials who act."""

    version: ProcedureVersion
    competent: Agency
    receiving: Agency
    intake: tuple[Any, ...]
    handlers: tuple[Any, ...]
    leaders: tuple[Any, ...]
    weight: int
    components: tuple[Upload, ...]


def _receivers(competent: Agency, agencies: list[Agency], staff: dict[int, dict[str, list[Any]]]) -> list[Agency]:
    """The competent agency if it has an intake officer, and one-stop units of its level that do."""
    found = [competent] if staff.get(competent.pk, {}).get(Role.INTAKE_OFFICER) else []
    for unit in agencies:
        one_stop = unit.is_one_stop_unit and unit.level == competent.level and unit.pk != competent.pk
        if one_stop and unit.kind == "service_center" and staff.get(unit.pk, {}).get(Role.INTAKE_OFFICER):
            found.append(unit)
    return found


def _weight(version: ProcedureVersion) -> int:
    limit = float(version.time_limit_days or 0)
    return 10 if limit <= 1 else 4 if limit <= 5 else 2


def build_routes(at: datetime) -> list[Route]:
    """Every (procedure in force, competent agency with handlers and leaders, receiving unit)."""
    staff = _staff(timezone.localdate(at))
    agencies = list(Agency.objects.order_by("code"))
    routes = []
    for code in Procedure.objects.order_by("procedure_code").values_list("procedure_code", flat=True):
        try:
            version = version_in_force(code, at=at)
        except DomainError:
            continue
        for competent in version.agencies.order_by("code"):
            roles = staff.get(competent.pk, {})
            leaders = tuple(dict.fromkeys(u for role in LEADERS for u in roles.get(role, [])))
            handlers = tuple(roles.get(Role.HANDLER, []))
            if not (leaders and handlers):
                continue
            for unit in _receivers(competent, agencies, staff):
                intake = tuple(staff[unit.pk][Role.INTAKE_OFFICER])
                files = _components(version)
                routes.append(Route(version, competent, unit, intake, handlers, leaders, _weight(version), files))
    return routes


# --- applicants and files -------------------------------------------------------------------------
def _applicant(rng: random.Random, route: Route) -> Applicant:
    name = route.version.name.lower()
    phone = f"09{rng.randrange(10**8):08d}"
    address = f"Tổ {rng.randint(1, 30)}, {route.receiving.name.replace('Ủy ban nhân dân ', '')}, tỉnh Sơn La"
    if any(word in name for word in BUSINESS_WORDS):
        firm = f"{rng.choice(FIRMS)} {rng.choice(GIVEN)} {rng.choice(('Tây Bắc', 'Sơn La', 'Mộc Châu'))}"
        return Applicant("business", firm, f"5500{rng.randrange(10**6):06d}", address, phone)
    person = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    id_number = f"014{rng.randint(0, 3)}{rng.randint(50, 99):02d}{rng.randrange(10**6):06d}"
    return Applicant("citizen", person, id_number, address, phone)


def _components(version: ProcedureVersion) -> tuple[Upload, ...]:
    """One small file per required document: a PNG for photos, a PDF otherwise."""
    uploads = []
    for index, document in enumerate(version.documents.order_by("order", "pk")):
        photo = "ảnh" in document.name.lower()
        filename = f"thanh-phan-{index + 1}.{'png' if photo else 'pdf'}"
        key = document.code or document.name
        uploads.append(Upload(filename, PNG if photo else PDF, document.name, key, originals=1))
    return tuple(uploads)


# --- one dossier's life ---------------------------------------------------------------------------
class _Stop(Exception):
    """The next step of this life falls after the end of the history."""


@dataclass
class Life:
    route: Route
    rng: random.Random
    end: datetime
    calendar: WorkCalendar
    t: datetime
    dossier: Any = None

    # time ---------------------------------------------------------------------------------------
    def working_day(self, after: date, n: int) -> date:
        day = after
        for _ in range(n):
            day = self.calendar.next_working_day(day)
        return day

    def on_day(self, day: date, lo: int = 0, hi: int = 450) -> datetime:
        """A random working moment of `day`, `lo`..`hi` working minutes after the office opens."""
        start = self.calendar.start_of_office(day)
        return self.calendar.add_working_hours(start, timedelta(minutes=self.rng.randint(lo, hi)))

    def later(self, days: int = 0, lo: int = 5, hi: int = 90) -> datetime:
        """`days` working days after now (random time), or `lo`..`hi` working minutes later."""
        if days == 0:
            return self.calendar.add_working_hours(self.t, timedelta(minutes=self.rng.randint(lo, hi)))
        return max(self.on_day(self.working_day(self.local(self.t).date(), days)), self.t + timedelta(minutes=1))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.calendar.tz)

    # acts ---------------------------------------------------------------------------------------
    def act(self, action: str, user: Any, inputs: dict[str, Any], at: datetime) -> None:
        if at > self.end:
            raise _Stop
        perform_action(self.dossier, action, user, inputs, now=at)
        self.t = at

    def intake_officer(self) -> Any:
        return self.rng.choice(self.route.intake)

    def leader(self) -> Any:
        return self.rng.choice(self.route.leaders)

    def receive(self, channel: str, accept: bool) -> None:
        route = self.route
        result = receive_dossier(
            procedure_code=route.version.procedure.procedure_code,
            channel=channel,
            receiving_unit=route.receiving,
            competent_agency=route.competent,
            applicant=_applicant(self.rng, route),
            components=list(route.components),
            user=None if channel == ONLINE else self.intake_officer(),
            accept=accept,
            submitted_at=self.t,
            now=self.t,
        )
        self.dossier = result.dossier
        self.t = max(self.t, self.dossier.received_at)


def _channel(rng: random.Random, version: ProcedureVersion) -> str:
    weights = {"counter": 6, ONLINE: 3, "postal": 1}
    offered = [c for c in weights if c in (version.channels or ["counter"])] or ["counter"]
    return str(rng.choices(offered, [weights[c] for c in offered])[0])


def _intake(life: Life, plan: str, channel: str) -> None:
    """Receive; refuse, ask for a supplement at the counter, or accept (online: the next hours)."""
    officer = life.intake_officer
    counter = channel != ONLINE
    accept_now = counter and plan not in ("not_accepted", "intake_supplement")
    life.receive(channel, accept=accept_now)
    if accept_now:
        return
    wait = 0 if counter else life.rng.choice((0, 0, 1))
    if plan == "not_accepted":
        reason = life.rng.choice(("Không thuộc thẩm quyền giải quyết", "Hồ sơ không đúng thủ tục yêu cầu"))
        life.act("not_accept", officer(), {"reason": reason}, life.later(wait))
        raise _Stop
    if plan == "intake_supplement":
        items = [life.rng.choice(SUPPLEMENT_ITEMS)]
        life.act("request_supplement", officer(), {"items": items, "reason": "Hồ sơ chưa đủ"}, life.later(wait))
        life.act("resupply", officer(), {"items": items}, life.later(life.rng.randint(1, 5)))
    life.act("accept", officer(), {}, life.later(wait))


def _to_handler(life: Life) -> Any:
    """Transfer to the competent agency (OS-XFER-02: the same day before 15:00, else the next morning)
    and assign a handler: within hours, or the next day for longer procedures."""
    received = life.local(life.t)
    next_morning = life.on_day(life.working_day(received.date(), 1), 0, 60)
    moved = life.later(0, 5, 120) if received.hour < 15 else next_morning
    life.act("transfer", life.intake_officer(), {"recipient": life.route.competent.code}, moved)
    handler = life.rng.choice(life.route.handlers)
    slow = float(life.route.version.time_limit_days or 0) > 3 and life.rng.random() < 0.3
    inputs = {"assignee": handler.get_username()}
    life.act("assign", life.leader(), inputs, life.later(1) if slow else life.later(0, 10, 120))
    return handler


def _early(life: Life, now: datetime, due: datetime) -> datetime | None:
    """A moment on a working day before the due date (OS-RET-05 "early"), if there is one."""
    days: list[date] = []
    day = life.calendar.next_working_day(now.date() - timedelta(days=1))
    while day < due.date():
        days.append(day)
        day = life.calendar.next_working_day(day)
    if not days:
        return None
    pick = life.rng.choice(days)
    return life.later(0) if pick == now.date() else life.on_day(pick)


def _on_time(life: Life, now: datetime, due: datetime) -> datetime | None:
    """A moment on the due date, before the due time ("on time"), if there is one."""
    start = max(now, life.calendar.start_of_office(due.date()))
    if start >= due - timedelta(minutes=10):
        return None
    span = int((due - start).total_seconds() // 60) - 5
    return start + timedelta(minutes=life.rng.randint(5, max(5, span)))


def _resolve_at(life: Life, verdict: str) -> datetime:
    """A moment that makes the result `verdict` (early / on_time / late) against the current due time;
    early and on time stand in for each other when the calendar leaves no room for one."""
    due, now = life.local(life.dossier.due_at), life.local(life.t)
    order = {"early": (_early, _on_time), "on_time": (_on_time, _early)}.get(verdict, ())
    for pick in order:
        moment = pick(life, now, due)
        if moment is not None:
            return moment
    return life.on_day(life.working_day(due.date(), life.rng.randint(1, 8)))


def _supplement(life: Life, handler: Any) -> None:
    """Ask for a supplement while processing; most applicants bring it, the others give up."""
    items = [life.rng.choice(SUPPLEMENT_ITEMS)]
    inputs = {"items": items, "reason": "Thành phần hồ sơ chưa hợp lệ"}
    life.act("request_supplement", handler, inputs, life.later(life.rng.randint(0, 2)))
    if life.rng.random() < 0.7:
        life.act("resupply", life.intake_officer(), {"items": items}, life.later(life.rng.randint(1, 6)))
        return
    gave_up = life.later(life.rng.randint(10, 20))
    if life.rng.random() < 0.5:
        life.act("withdraw", life.intake_officer(), {"reason": "Người yêu cầu không bổ sung, xin rút hồ sơ"}, gave_up)
    else:
        life.act("stop", life.leader(), {"reason": "Quá thời hạn bổ sung hồ sơ"}, gave_up)
    raise _Stop


def _apologize(life: Life) -> None:
    """Form 04 on the working day before the due date (OS-LATE-01), a new date 3-7 working days on."""
    due = life.local(life.dossier.due_at)
    before = life.calendar.next_working_day(due.date() - timedelta(days=4))
    while life.calendar.next_working_day(before) < due.date():
        before = life.calendar.next_working_day(before)
    at = max(life.on_day(before), life.later(0))
    if at >= due:
        return
    new_due = life.calendar.end_of_office(life.working_day(due.date(), life.rng.randint(3, 7)))
    inputs = {"reason": "Cần xác minh thêm thông tin", "new_due_at": new_due}
    life.act("apologize", life.leader(), inputs, at)


def _finish(life: Life, plan: str, channel: str) -> None:
    """Resolve (approval, or a refusal after appraisal) and return the result."""
    if plan in ("early", "on_time", "late"):
        verdict = plan
    else:  # an apology means the original date is missed; other lives mostly finish in time
        verdict = "late" if plan == "apology" else life.rng.choice(("early", "early", "on_time"))
    if plan == "refusal":
        inputs = {"result_kind": "refusal", "reason": "Không đủ điều kiện theo quy định"}
    else:
        inputs = {"result_kind": "approval"}
    life.act("resolve", life.leader(), inputs, _resolve_at(life, verdict))
    method = {"online": "online", "postal": "post"}.get(channel, "counter")
    inputs = {"return_method": method}
    if method == "counter":
        inputs["collector"] = life.dossier.applicant_name
    life.act("return_result", life.intake_officer(), inputs, life.later(life.rng.choice((0, 0, 1, 2, 3))))


def live(life: Life, plan: str) -> None:
    """Run one planned life from intake until it ends or reaches the end of the history."""
    channel = _channel(life.rng, life.route.version)
    try:
        _intake(life, plan, channel)
        if plan == "withdrawn" and life.rng.random() < 0.3:
            life.act("withdraw", life.intake_officer(), {"reason": "Người yêu cầu xin rút hồ sơ"}, life.later(0))
            return
        handler = _to_handler(life)
        if plan == "withdrawn":
            reason = {"reason": "Người yêu cầu xin rút hồ sơ"}
            life.act("withdraw", life.intake_officer(), reason, life.later(life.rng.randint(1, 4)))
            return
        if plan == "stopped":
            life.act("stop", life.leader(), {"reason": "Hồ sơ thuộc trường hợp dừng xử lý"}, life.later(2))
            return
        if plan == "supplement":
            _supplement(life, handler)
        if plan == "apology":
            _apologize(life)
        _finish(life, plan, channel)
    except _Stop:
        return


# --- the whole history ----------------------------------------------------------------------------
def _intake_moments(rng: random.Random, calendar: WorkCalendar, end: datetime, count: int) -> list[datetime]:
    """`count` working moments before `end` over the last working days (four months for thousands)."""
    wanted = min(HISTORY_WORKING_DAYS, max(MIN_WORKING_DAYS, count // PER_WORKING_DAY))
    days: list[date] = []
    day = timezone.localtime(end, calendar.tz).date()
    while len(days) < wanted:
        if calendar.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    moments: list[datetime] = []
    while len(moments) < count:
        start = calendar.start_of_office(rng.choice(days))
        moment = calendar.add_working_hours(start, timedelta(minutes=rng.randint(0, 470)))
        if moment < end:
            moments.append(moment)
    return sorted(moments)


def _plans(rng: random.Random, count: int) -> list[str]:
    """Planned lives in the proportions of LIVES (largest remainder, each at least once), shuffled."""
    total = sum(weight for _plan, weight in LIVES)
    exact = [(plan, count * weight / total) for plan, weight in LIVES]
    sizes = {plan: max(1, int(share)) for plan, share in exact}
    by_remainder = sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)
    for plan, _share in by_remainder[: max(0, count - sum(sizes.values()))]:
        sizes[plan] += 1
    plans = [plan for plan, size in sizes.items() for _ in range(size)][:count]
    rng.shuffle(plans)
    return plans


def _report(log: GenerateLog, counts: dict[str, int], took: float) -> None:
    log(f"Demo history: {counts.get('dossiers', 0):,} dossiers, {counts.get('events', 0):,} events in {took:.1f} s.")
    log("  " + ", ".join(f"{key}: {value:,}" for key, value in counts.items() if key not in ("dossiers", "events")))


def generate_history(
    count: int = DEFAULT_COUNT,
    *,
    seed: int = 2026,
    end: datetime | None = None,
    log: GenerateLog = print,
    share_writes: bool = False,
) -> dict[str, int]:
    """Generate `count` dossiers received over the ~4 months of working days before `end` (default now).

    Returns counts by final status plus event-derived figures (early / on_time / late results,
    overdue and apologised dossiers, `events`); an empty dict when dossiers already exist.
    """
    if Dossier.objects.exists():
        log("Demo history: dossiers already exist, nothing generated.")
        return {}
    started = time.perf_counter()
    end = end or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    routes = build_routes(end)
    if not routes:
        log("Demo history: no procedure has officials to handle it; nothing generated.")
        return {}
    moments = _intake_moments(rng, calendar_for(None), end, count)
    plans = _plans(rng, count)
    skipped = 0
    # No SMS or e-mail to invented applicants about events of the past (notify.muted).
    with acting_as(Actor(kind="system", name="demo-history", request_id="demo-history")), muted():
        for index, (moment, plan) in enumerate(zip(moments, plans, strict=True), start=1):
            route = rng.choices(routes, [r.weight for r in routes])[0]
            life = Life(route, rng, end, calendar_for(route.competent), moment)
            try:
                with transaction.atomic():
                    live(life, plan)
            except DomainError as exc:  # a service refused: keep going, report it
                skipped += 1
                if skipped <= 3:
                    log(f"  skipped one dossier of {route.version.procedure.procedure_code}: {exc}")
            if share_writes:
                # Beside a running server on SQLite: one writer at a time, and a waiting writer polls
                # (up to every 100 ms). A pause that long between dossiers keeps the site's own
                # writes from starving behind a stream of back-to-back transactions.
                time.sleep(SHARE_PAUSE_S)
            if index % 500 == 0:
                log(f"  {index:,} / {count:,} dossiers…")
    counts = history_counts(end)
    if skipped:
        counts["skipped"] = skipped
    _report(log, counts, time.perf_counter() - started)
    return counts


def history_counts(cutoff: datetime) -> dict[str, int]:
    """Dossiers by final status, then the event-derived outcomes at `cutoff`."""
    counts = dict(sorted(Counter(Dossier.objects.values_list("status", flat=True)).items()))
    outcomes = count_outcomes(DossierEvent.objects.order_by("dossier_id", "seq").iterator(), cutoff=cutoff)
    for key in ("early", "on_time", "late", "overdue", "apologised", "refusal_results"):
        counts[key] = outcomes[key]
    counts["dossiers"] = Dossier.objects.count()
    counts["events"] = DossierEvent.objects.count()
    return counts
