"""Notifications to the applicant for dossier events (OS-INTAKE-03/06, OS-SUPP-01, OS-LATE-03, OS-RET-01).

A `post_save` receiver on `DossierEvent` writes the messages to the notifications outbox. The engine
creates every event inside the transaction of the business action, so the messages commit or roll
back with it (DESIGN rule 6); delivery is scheduled only once that transaction commits.

| action | template |
|---|---|
| `accept` | `dossier_received` (receipt and appointment, Form 01) |
| `request_supplement` | `supplement_requested` (Form 02, intake or processing phase) |
| `apologize` | `apology` (Form 04, new due date) |
| `resolve` | `result_ready` (approval or refusal) |

Channels: e-mail when the applicant gave an address, SMS (`MOTCUA["SMS_CHANNEL"]`, default
`fake_sms`) when they gave a phone number; both when both. Idempotency key
`dossier:<code>:<event seq>:<channel>`.

The receiver runs before the engine updates the projection columns, so values the event sets (due
times) are read from the event's `payload["set"]`. Logs carry ids, never the applicant's name,
e-mail address or phone number (GEN-04).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel
from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.projection import decode
from motcua.dossiers.vocabulary import Action
from motcua.notifications import services
from motcua.notifications.models import OutboxMessage

logger = logging.getLogger("motcua.dossiers")

RELATED_TYPE = "dossiers.dossier"
APPLICANT_TEMPLATES: dict[str, str] = {
    Action.SUBMIT.value: "dossier_submitted",  # online filings only: the acknowledgement (PTL)
    Action.ACCEPT.value: "dossier_received",
    Action.NOT_ACCEPT.value: "dossier_not_accepted",  # refusal at intake, form 03 (OS-STOP-03)
    Action.STOP.value: "dossier_stopped",  # OS-STOP-02
    Action.REQUEST_SUPPLEMENT.value: "supplement_requested",
    Action.APOLOGIZE.value: "apology",
    Action.RESOLVE.value: "result_ready",
}

_muted: ContextVar[bool] = ContextVar("motcua_dossier_notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No applicant notification for events created inside this block (demo history, benchmarks)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _conf(name: str, default: Any) -> Any:
    return getattr(settings, "MOTCUA", {}).get(name, default)


def public_base_url() -> str:
    return str(_conf("PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def tracking_url(code: str) -> str:
    """The public status page of dossier `code` (no login: the code is what the applicant holds)."""
    return f"{public_base_url()}/tra-cuu/{code}/"


def sms_channel() -> str:
    return str(_conf("SMS_CHANNEL", "fake_sms"))


def applicant_channels(dossier: Dossier) -> list[tuple[str, str]]:
    """(channel, recipient) pairs for the applicant: e-mail if given, SMS if a phone is given."""
    found: list[tuple[str, str]] = []
    email = (dossier.applicant_email or "").strip()
    phone = (dossier.applicant_phone or "").strip()
    if email:
        found.append(("email", email))
    if phone:
        found.append((sms_channel(), phone))
    return found


def _item_text(item: Any) -> str:
    """One component to supplement: plain text, or the fields of OS-INTAKE-04 when given as a mapping."""
    if not isinstance(item, Mapping):
        return str(item)
    parts = [str(item.get(name) or "").strip() for name in ("code", "name", "form", "quantity", "reason")]
    return " – ".join(part for part in parts if part)


def _after(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """Due times after the event: the event's own `set` values over the dossier's current columns."""
    values = {name: getattr(dossier, name) for name in ("due_at", "original_due_at", "rescheduled_due_at")}
    values.update(decode((event.payload or {}).get("set", {})))
    return values


def applicant_context(dossier: Dossier, event: DossierEvent, key: str) -> dict[str, Any]:
    """Template context for notification `key` about `event`."""
    after = _after(dossier, event)
    inputs = (event.payload or {}).get("inputs", {}) or {}
    due_at = after.get("due_at")
    context: dict[str, Any] = {
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure_version.name,
        "tracking_url": tracking_url(dossier.code),
        "applicant_name": dossier.applicant_name,
        "agency_name": dossier.competent_agency.name,
        "due_at": due_at,
    }
    if key == "dossier_received":
        context["received_at"] = dossier.received_at
        # A procedure without a statutory time limit has no appointment (OS-INTAKE-05 and the like).
        context["appointment_at"] = due_at or _("Chưa xác định")
    elif key == "supplement_requested":
        context["reason"] = str(inputs.get("reason") or event.reason or "")
        context["items"] = [_item_text(item) for item in inputs.get("items") or []]
    elif key == "dossier_submitted":
        context["submitted_at"] = dossier.submitted_at
        context["received_at"] = dossier.received_at  # outside working time: the next working start
    elif key in ("dossier_not_accepted", "dossier_stopped"):
        context["reason"] = str(inputs.get("reason") or event.reason or "") or _("Không ghi lý do.")
    elif key == "apology":
        context["new_due_at"] = after.get("rescheduled_due_at") or due_at
        context["reason"] = str(inputs.get("reason") or event.reason or "")
    elif key == "result_ready" and dossier.channel != Channel.ONLINE:
        context["pickup_place"] = dossier.receiving_unit.name
    return context


def notify_applicant(event: DossierEvent) -> list[OutboxMessage]:
    """Write the applicant's messages about `event` to the outbox in the current transaction.

    An event whose action has no applicant template, or an applicant without e-mail or phone, gives
    none. A message that cannot be written (unregistered SMS channel, missing template field) is
    logged and skipped: a notification problem never undoes the business action.
    """
    key = APPLICANT_TEMPLATES.get(event.action)
    if key is None or (event.action == Action.SUBMIT and event.dossier.channel != Channel.ONLINE):
        # At the counter the applicant is there and gets the receipt on paper.
        return []
    dossier: Dossier = event.dossier
    channels = applicant_channels(dossier)
    if not channels:
        logger.info("dossier.notification_no_contact", extra={"dossier_id": dossier.pk, "event_seq": event.seq})
        return []
    context = applicant_context(dossier, event, key)
    messages: list[OutboxMessage] = []
    for channel, recipient in channels:
        try:
            message = services.enqueue_template(
                channel,
                recipient,
                key,
                context,
                idempotency_key=f"dossier:{dossier.code}:{event.seq}:{channel}",
                related=(RELATED_TYPE, dossier.code),
            )
        except ValidationFailed as exc:
            logger.warning(
                "dossier.notification_skipped",
                extra={
                    "dossier_id": dossier.pk,
                    "event_seq": event.seq,
                    "channel": channel,
                    "template_key": key,
                    "error": exc.code,
                },
            )
            continue
        messages.append(message)
    return messages


def on_event_created(sender: Any, instance: DossierEvent, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """post_save receiver: a new event (not a fixture load, not inside `muted()`) notifies the applicant."""
    if not created or raw or _muted.get():
        return
    notify_applicant(instance)


post_save.connect(on_event_created, sender=DossierEvent, dispatch_uid="motcua.dossiers.notify.on_event_created")
