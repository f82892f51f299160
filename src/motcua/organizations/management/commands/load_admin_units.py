"""`motcua load-admin-units`: load or refresh the official list of administrative units (ORG-02)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.context import Actor, acting_as
from motcua.organizations.services import load_admin_units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính từ 1/7/2025 (34 tỉnh, thành phố; 3.321 xã, phường, đặc khu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            help="Tệp nested-divisions.json khác với tệp trong gói vietnam-provinces (cùng định dạng).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(Actor(kind="application", name="load_admin_units", request_id="")):
            result = load_admin_units(options.get("path"))
        kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(result.by_kind.items()))
        lines = [
            _("Nguồn: %(source)s") % {"source": result.source},
            _("Tỉnh, thành phố: %(provinces)s; xã, phường, đặc khu: %(communes)s (%(kinds)s)")
            % {"provinces": result.provinces, "communes": result.communes, "kinds": kinds},
            _("Thêm mới: %(created)s; cập nhật: %(updated)s; không đổi: %(unchanged)s")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        ]
        self.stdout.write("\n".join(lines))
        if result.not_in_source:
            message = _("%(count)s đơn vị có trong cơ sở dữ liệu nhưng không có trong nguồn (giữ nguyên): %(codes)s")
            codes = ", ".join(result.not_in_source[:20])
            self.stdout.write(self.style.WARNING(message % {"count": len(result.not_in_source), "codes": codes}))
