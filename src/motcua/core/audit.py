"""Hash-chained audit log: append and verify (GEN-02, GEN-03)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.context import current_actor
from motcua.core.models import AuditHead, AuditRecord

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _link_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(fields)).encode()).hexdigest()


def _hashed_fields(record: AuditRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "occurred_at": record.occurred_at.isoformat(),
        "actor_kind": record.actor_kind,
        "actor_name": record.actor_name,
        "actor_user_id": record.actor_user_id,
        "agency_code": record.agency_code,
        "request_id": record.request_id,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_repr": record.object_repr,
        # JSON round-trip so what we hash equals what the database gives back.
        "before": json.loads(_canonical(record.before)),
        "after": json.loads(_canonical(record.after)),
        "reason": record.reason,
    }


def record(
    action: str,
    object_type: str,
    object_id: Any,
    *,
    before: Any = None,
    after: Any = None,
    object_repr: str = "",
    reason: str = "",
    agency_code: str = "",
) -> AuditRecord:
    """Append one record inside the caller's transaction (or a new one)."""
    actor = current_actor()
    # No savepoint: a failed append must fail the caller's whole transaction, never be skipped.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditRecord(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            actor_kind=actor.kind,
            actor_name=actor.name,
            actor_user_id=actor.user_id,
            agency_code=agency_code or actor.agency_code,
            request_id=actor.request_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=object_repr[:300],
            before=json.loads(_canonical(before)) if before is not None else None,
            after=json.loads(_canonical(after)) if after is not None else None,
            reason=reason,
            prev_hash=head.last_hash,
        )
        entry.hash = _link_hash(entry.prev_hash, _hashed_fields(entry))
        entry.save()
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    occurred_at: datetime | None = None


def verify_chain(batch_size: int = 2000) -> ChainReport:
    """Recompute every link in order; report the first record whose link does not hold."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seen: AuditRecord | None = None
    queryset = AuditRecord.objects.order_by("seq")
    for entry in queryset.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"record #{expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.seq, "previous-hash link does not match", entry.occurred_at)
        if _link_hash(entry.prev_hash, _hashed_fields(entry)) != entry.hash:
            return ChainReport(False, checked, entry.seq, "record content was changed", entry.occurred_at)
        prev_hash, expected_seq, checked, last_seen = entry.hash, entry.seq + 1, checked + 1, entry
    head = AuditHead.objects.filter(id=1).first()
    head_seq = head.last_seq if head else 0
    if head_seq != checked or (head is not None and head.last_hash != prev_hash):
        return ChainReport(
            False,
            checked,
            checked + 1,
            f"the chain ends at #{checked} but its head says #{head_seq}: records were removed",
            last_seen.occurred_at if last_seen else None,
        )
    return ChainReport(True, checked)
