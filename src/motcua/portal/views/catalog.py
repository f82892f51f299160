"""Public pages: home, the catalogue by sector, agency and level with search, the procedure page."""

from __future__ import annotations

import time
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Level, ProcedureVersion, RequiredDocument, Sector, ServiceMode
from motcua.catalog.versioning import in_force_filter, version_in_force
from motcua.core.errors import NotFound
from motcua.dossiers.form_data import time_limit_text
from motcua.organizations.models import Agency
from motcua.portal import finder
from motcua.portal.views.common import error_page

PAGE_SIZE = 20
FILTERS_TTL = 300.0
_filters_cache: dict[str, Any] = {"expires": 0.0, "value": None}


def home(request: HttpRequest) -> HttpResponse:
    # No database query: the home page is one search box and fixed links.
    return render(request, "portal/home.html", {"levels": Level.choices})


def _filter_options() -> dict[str, Any]:
    """Sectors and agencies that have procedures in force (cached a few minutes per process)."""
    now = time.monotonic()
    if _filters_cache["value"] is not None and _filters_cache["expires"] > now:
        return dict(_filters_cache["value"])
    from django.utils import timezone

    in_force = ProcedureVersion.objects.filter(in_force_filter(timezone.localdate()))
    sectors = list(
        Sector.objects.filter(pk__in=in_force.values("sector_id")).order_by("name").values_list("code", "name")
    )
    through = ProcedureVersion.agencies.through
    agency_ids = through.objects.filter(procedureversion__in=in_force.values("pk")).values("agency_id")
    agencies = list(Agency.objects.filter(pk__in=agency_ids).order_by("name").values_list("code", "name")[:500])
    value = {"sectors": sectors, "agencies": agencies}
    _filters_cache.update(expires=now + FILTERS_TTL, value=value)
    return dict(value)


def catalog(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    sector = request.GET.get("linh_vuc", "").strip()[:60] or None
    agency = request.GET.get("co_quan", "").strip()[:40] or None
    level = request.GET.get("cap", "").strip()[:20] or None
    if level not in Level.values:
        level = None
    try:
        page_number = max(1, min(int(request.GET.get("trang", "1")), 1000))
    except ValueError:
        page_number = 1
    found = finder.find(
        q, sector=sector, agency=agency, level=level, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    pages = max(1, -(-found.page.count // PAGE_SIZE))
    params = {"q": q, "linh_vuc": sector or "", "co_quan": agency or "", "cap": level or ""}
    context = {
        "q": q,
        "found": found,
        "page": found.page,
        "page_number": page_number,
        "pages": pages,
        "previous": page_number - 1 if page_number > 1 else None,
        "next": page_number + 1 if page_number < pages else None,
        "params": params,
        "levels": Level.choices,
        **_filter_options(),
    }
    return render(request, "portal/catalog.html", context)


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    try:
        version = version_in_force(code)
    except NotFound as exc:
        return error_page(request, exc)
    channels = dict(Channel.choices)
    context = {
        "version": version,
        "documents": list(version.documents.all()),
        "fees": list(version.fees.all()),
        "legal_bases": list(version.legal_bases.all()),
        "results": list(version.results.all()),
        "agencies": list(version.agencies.all()[:50]),
        "channels": [channels.get(c, c) for c in version.channels],
        "online": not version.channels or Channel.ONLINE in version.channels,
        "fully_online": version.service_mode == ServiceMode.ONLINE_FULL,
        "time_limit": time_limit_text(version),
        "levels": [dict(Level.choices).get(level, level) for level in version.levels],
    }
    return render(request, "portal/procedure.html", context)


def template_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A required document's blank form (mẫu đơn, tờ khai) as a download."""
    document = RequiredDocument.objects.filter(pk=pk, version__procedure__procedure_code=code).first()
    if document is None or not document.template_file:
        raise Http404(_("Không có tệp mẫu."))
    name = document.template_file.name.rsplit("/", 1)[-1]
    return FileResponse(document.template_file.open("rb"), as_attachment=True, filename=name)
