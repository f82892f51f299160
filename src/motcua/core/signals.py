"""Audit every write to configuration models (issue: "every write to configuration is recorded").

Mark a model with `@audited`; creates, updates, deletes and many-to-many changes made through the
ORM (admin, API, import commands) then append a record with the before and after values.
Bulk queryset updates bypass signals, so configuration code must not use them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from motcua.core import audit

M = TypeVar("M", bound=type[models.Model])
_AUDITED: set[type[models.Model]] = set()


def snapshot(instance: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        if isinstance(f, models.FileField):
            value = value.name if value else ""
        data[f.attname] = value
    return data


def _label(instance: models.Model) -> str:
    return instance._meta.label_lower


def _pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    instance._audit_before = None  # type: ignore[attr-defined]
    if instance.pk is not None and not kwargs.get("raw"):
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old) if old is not None else None  # type: ignore[attr-defined]


def _post_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    audit.record(
        "create" if created else "update",
        _label(instance),
        instance.pk,
        before=before,
        after=after,
        object_repr=str(instance),
    )


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    audit.record("delete", _label(instance), instance.pk, before=snapshot(instance), object_repr=str(instance))


def _m2m_changed(sender: Any, instance: models.Model, action: str, model: Any, pk_set: Any, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"} or type(instance) not in _AUDITED:
        return
    audit.record(
        f"m2m_{action.removeprefix('post_')}",
        _label(instance),
        instance.pk,
        after={"related": model._meta.label_lower, "ids": sorted(pk_set or [])},
        object_repr=str(instance),
    )


def audited(model: M) -> M:
    """Class decorator: record every ORM write to `model` in the audit chain."""
    _AUDITED.add(model)
    pre_save.connect(_pre_save, sender=model, dispatch_uid=f"audit-pre-{model.__qualname__}")
    post_save.connect(_post_save, sender=model, dispatch_uid=f"audit-post-{model.__qualname__}")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=f"audit-del-{model.__qualname__}")
    return model


m2m_changed.connect(_m2m_changed, dispatch_uid="audit-m2m")
