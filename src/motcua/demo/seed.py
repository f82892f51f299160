"""Load the demo province through the same services an administrator would use.

Every step is idempotent: the second `motcua demo` run finds the data and changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from motcua.calendar.services import seed_announced_swaps
from motcua.catalog.models import Procedure
from motcua.catalog.process_services import load_processes_file
from motcua.core.context import Actor, acting_as
from motcua.organizations.models import AdminUnit, Role
from motcua.organizations.services import load_admin_units, load_agencies

DEFAULT_DEMO_PASSWORD = "motcua-demo"  # noqa: S105  (public demo password, documented in the README)
_ROLE_LABELS = dict(Role.choices)


def demo_password() -> str:
    return os.environ.get("MOTCUA_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def _data_file(name: str) -> Any:
    return resources.files("motcua.demo").joinpath("data", name)


@cache
def agencies_data() -> dict[str, Any]:
    return json.loads(_data_file("agencies.json").read_text(encoding="utf-8"))


def demo_accounts() -> list[tuple[str, str]]:
    """(username, "roles – agency") for every demo official, for the README and the demo banner."""
    names = {a["code"]: a["name"] for a in agencies_data()["agencies"]}
    accounts = []
    for official in agencies_data()["officials"]:
        role_ids = dict.fromkeys(r["role"] for r in official["roles"])  # ordered, without repeats
        roles = ", ".join(str(_ROLE_LABELS.get(role, role)) for role in role_ids)
        accounts.append((official["username"], f"{official['full_name']}: {roles} – {names[official['agency']]}"))
    return accounts


def seed_demo(password: str | None = None, log: Callable[[str], None] = print) -> None:
    with acting_as(Actor(kind="system", name="seed-demo", request_id="seed-demo")):
        if not AdminUnit.objects.exists():
            log("Loading administrative units (34 provinces, 3,321 communes)…")
            load_admin_units()
        with transaction.atomic():
            load_agencies(agencies_data(), password=password or demo_password())
            _grant_admin_site_access()
        seed_announced_swaps()
        if not Procedure.objects.exists():
            log("Importing the demo procedures…")
            path = _data_file("procedures.json")
            with resources.as_file(path) as file_path:
                call_command("import_procedures", str(file_path), publish=True, verbosity=0)
        # Idempotent: an unchanged process is not written again.
        with resources.as_file(_data_file("processes.yaml")) as file_path:
            load_processes_file(file_path, publish=True)


def _grant_admin_site_access() -> None:
    """Provincial administrators configure the platform in /admin/."""
    admins = [
        o["username"]
        for o in agencies_data()["officials"]
        if any(r["role"] == Role.PROVINCIAL_ADMIN for r in o["roles"])
    ]
    for user in get_user_model().objects.filter(username__in=admins):
        if not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
