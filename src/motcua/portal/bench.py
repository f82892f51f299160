"""Portal benchmarks for `motcua bench portal`: server time of the public pages with 2,000
procedures (home, search, procedure page; target p95 50 ms) and of an online submission without
attachments (start, save the e-form for review, submit; target p95 300 ms).

Requests go through Django's test client: routing, middleware (CSP, CSRF, sessions), the view, the
queries and the template; no network.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client

from motcua.catalog import bench as catalog_bench
from motcua.catalog import versioning
from motcua.catalog.models import Procedure, ProcedureVersion, Sector
from motcua.core.bench import BenchResult, latencies_ms, percentile
from motcua.organizations.models import Agency
from motcua.portal.models import Draft, Profile

CALLS = 200
SUBMISSIONS = 60
SEARCHES = [
    {"q": "dang ky khai sinh"},
    {"q": "cap giay phep"},
    {"q": "cấp lại giấy chứng nhận"},
    {"q": "giay phep xay dung", "cap": "province"},
    {"q": "chung chi hanh nghe"},
    {"q": "giay phepp xay dungg"},  # typos: corrected by the vocabulary
    {"q": "", "linh_vuc": "H56-KD"},
    {"q": ""},
]
BIRTH = {
    "form_child_name": "Lê Minh An",
    "form_child_birth_date": "2025-07-01",
    "form_child_sex": "nam",
    "form_birth_place": "Bệnh viện Đa khoa tỉnh Thanh Hóa",
    "form_mother_name": "Trần Thị Bích Ngọc",
    "form_relationship": "mẹ",
    "applicant_name": "Trần Thị Bích Ngọc",
    "applicant_id_number": "038190001234",
    "applicant_phone": "0912345678",
    "applicant_email": "ngoc@example.vn",
    "applicant_address": "12 Lê Lợi, Thanh Hóa",
    "next": "review",
}


def _online_procedure() -> str:
    """Birth registration (its built-in e-form) with no required files: the no-attachment case."""
    unit, _created = Agency.objects.get_or_create(
        code="000.00.99.H56", defaults={"name": "Ủy ban nhân dân phường thử nghiệm", "level": "commune"}
    )
    procedure = Procedure.objects.create(procedure_code="1.001193", name="Đăng ký khai sinh")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Đăng ký khai sinh",
        sector=Sector.objects.order_by("pk").first(),
        levels=["commune"],
        channels=["counter", "online"],
        service_mode="online_full",
        time_limit_days=Decimal("1"),
        valid_from=dt.date(2025, 1, 1),
    )
    version.agencies.add(unit)
    versioning.publish(version)
    return unit.code


def _result(operation: str, size: str, samples: list[float], target: str, note: str) -> BenchResult:
    return BenchResult(
        operation=operation,
        data_size=size,
        p50_ms=round(percentile(samples, 50), 2),
        p95_ms=round(percentile(samples, 95), 2),
        target=target,
        note=note,
    )


def run() -> list[BenchResult]:
    catalog_bench.generate()
    unit_code = _online_procedure()
    size = f"{ProcedureVersion.objects.count():,} procedures"
    codes = list(ProcedureVersion.objects.values_list("procedure__procedure_code", flat=True)[:500])
    anonymous = Client()

    def ok(response):
        assert response.status_code in (200, 302), response.status_code
        return response

    results = [
        _result("portal home (GET /)", size, latencies_ms(lambda i: ok(anonymous.get("/")), CALLS), "p95 <= 50 ms", ""),
        _result(
            "portal search (GET /thu-tuc/?q=…)",
            size,
            latencies_ms(lambda i: ok(anonymous.get("/thu-tuc/", SEARCHES[i % len(SEARCHES)])), CALLS),
            "p95 <= 50 ms",
            f"{len(SEARCHES)} query shapes incl. missing accents and typos",
        ),
        _result(
            "portal procedure page (GET /thu-tuc/{code}/)",
            size,
            latencies_ms(lambda i: ok(anonymous.get(f"/thu-tuc/{codes[i % len(codes)]}/")), CALLS),
            "p95 <= 50 ms",
            "",
        ),
    ]

    user = get_user_model().objects.create_user(username="bench.citizen@example.vn", email="bench.citizen@example.vn")
    Profile.objects.create(user=user, full_name="Trần Thị Bích Ngọc", id_number="038190001234")
    citizen = Client()
    citizen.force_login(user)

    reviews: list[float] = []
    posts: list[float] = []

    def submit(i: int) -> None:
        """The citizen's path: start, save the e-form, review (renders the declaration PDF), submit.
        The three POSTs and the review GET are timed apart."""
        started = time.perf_counter()
        location = ok(citizen.post("/thu-tuc/1.001193/nop/"))["Location"]
        pk = int(re.search(r"/nop-ho-so/(\d+)/", location).group(1))
        ok(citizen.post(f"/nop-ho-so/{pk}/", {**BIRTH, "agency": unit_code}))
        posted = time.perf_counter() - started
        started = time.perf_counter()
        ok(citizen.get(f"/nop-ho-so/{pk}/xem-lai/"))
        reviews.append((time.perf_counter() - started) * 1000)
        key = Draft.objects.filter(pk=pk).values_list("idempotency_key", flat=True).get()
        started = time.perf_counter()
        assert ok(citizen.post(f"/nop-ho-so/{pk}/nop/", {"idempotency_key": key}))["Location"].startswith(
            "/ho-so-cua-toi/"
        )
        posts.append((posted + time.perf_counter() - started) * 1000)

    for i in range(5):  # warm-up
        submit(i)
    reviews.clear()
    posts.clear()
    for i in range(SUBMISSIONS):
        submit(i)
    results.append(
        _result(
            "portal online submission, no files (3 POSTs)",
            size,
            posts,
            "p95 <= 300 ms",
            "start draft + save e-form + submit (intake, code, events, notifications, files the declaration PDF)",
        )
    )
    results.append(
        _result(
            "portal review page before submit (GET)",
            size,
            reviews,
            "",
            "renders the declaration PDF (WeasyPrint, A4) that the submit then files",
        )
    )
    return results
