"""Catalogue benchmark for `motcua bench`: search over 2,000 realistic procedures (target p95 <= 20 ms).

Runs inside the scratch database that `motcua bench` creates. The generator uses bulk_create (no
audit records): it fills a throw-away database, it is not configuration code.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import connection
from django.test import Client

from motcua.catalog import services
from motcua.catalog.models import Procedure, ProcedureVersion, Sector, VersionStatus
from motcua.core.bench import BenchResult, latencies_ms, percentile
from motcua.organizations.models import Agency

SIZE = 2000
SAMPLES = 400
VERBS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Đăng ký",
    "Đăng ký thay đổi",
    "Thu hồi",
    "Xác nhận",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Chứng thực",
    "Hỗ trợ",
]
OBJECTS = [
    "giấy phép",
    "giấy chứng nhận",
    "chứng chỉ hành nghề",
    "hồ sơ",
    "quyết định",
    "đề án",
    "phương án",
    "giấy xác nhận",
    "báo cáo đánh giá tác động",
    "thông báo",
]
DOMAINS = [
    ("XD", "Xây dựng", "xây dựng công trình"),
    ("KD", "Kinh doanh", "kinh doanh dịch vụ lữ hành"),
    ("HT", "Hộ tịch", "khai sinh, khai tử"),
    ("DD", "Đất đai", "quyền sử dụng đất"),
    ("MT", "Môi trường", "bảo vệ môi trường"),
    ("GD", "Giáo dục và Đào tạo", "hoạt động giáo dục"),
    ("YT", "Y tế", "khám bệnh, chữa bệnh"),
    ("LD", "Lao động", "việc làm cho người lao động"),
    ("GT", "Giao thông", "giao thông đường bộ"),
    ("TS", "Thủy sản", "khai thác thủy sản"),
    ("LN", "Lâm nghiệp", "khai thác gỗ rừng trồng"),
    ("VH", "Văn hóa", "biểu diễn nghệ thuật"),
    ("KS", "Khoáng sản", "thăm dò khoáng sản"),
    ("DL", "Điện lực", "hoạt động điện lực"),
]
QUALIFIERS = [
    "",
    "cho doanh nghiệp",
    "cho hộ kinh doanh",
    "cho cá nhân",
    "có yếu tố nước ngoài",
    "tại Ủy ban nhân dân cấp xã",
    "trong khu công nghiệp",
    "đối với tổ chức",
]
QUERIES = [
    {"q": "dang ky khai sinh"},
    {"q": "giấy phép xây dựng"},
    {"q": "cap lai"},
    {"q": "quyền sử dụng đất"},
    {"q": "chung chi hanh nghe kham benh"},
    {"q": "1.100123"},
    {"q": "moi truong doanh nghiep"},
    {"q": "thu hoi giay phep", "level": "province"},
    {"q": "du lich", "sector": "H56-KD"},
    {"q": "khong co thu tuc nay"},
    {"q": ""},
    {"q": "", "agency": "000.00.05.H56"},
]


def generate(size: int = SIZE, seed: int = 2025) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    agencies = [
        Agency.objects.get_or_create(code=f"000.00.{i:02d}.H56", defaults={"name": f"Sở số {i}", "level": "province"})[
            0
        ]
        for i in range(1, 21)
    ]
    sectors = {}
    for code, name, _topic in DOMAINS:
        sectors[code], _created = Sector.objects.get_or_create(
            code=f"H56-{code}", defaults={"field_code": code, "name": name}
        )
    procedures, versions = [], []
    for i in range(size):
        field_code, _sector_name, topic = rng.choice(DOMAINS)
        name = " ".join(
            part for part in (rng.choice(VERBS), rng.choice(OBJECTS), topic, rng.choice(QUALIFIERS)) if part
        )
        procedures.append(Procedure(procedure_code=f"{1 + i % 3}.{100000 + i:06d}", name=name, local_code=f"BM-{i}"))
        versions.append((name, sectors[field_code]))
    Procedure.objects.bulk_create(procedures, batch_size=500)
    rows = []
    for procedure, (name, sector) in zip(procedures, versions, strict=True):
        version = ProcedureVersion(
            procedure=procedure,
            number=1,
            status=VersionStatus.PUBLISHED,
            valid_from=dt.date(2025, 1, 1),
            name=name,
            sector=sector,
            levels=[rng.choice(["province", "commune"])],
            channels=["counter", "online"],
            service_mode="online_partial",
            time_limit_days=Decimal(rng.choice([0.5, 1, 3, 5, 10, 15, 20, 30])),
        )
        version.refresh_search_keys()
        rows.append(version)
    ProcedureVersion.objects.bulk_create(rows, batch_size=500)
    through = ProcedureVersion.agencies.through
    links = [through(procedureversion_id=v.pk, agency_id=rng.choice(agencies).pk) for v in rows]
    through.objects.bulk_create(links, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a live database would have them


def run() -> list[BenchResult]:
    generate()
    size = f"{ProcedureVersion.objects.count():,} procedures"
    target = "p95 <= 20 ms"

    def service_call(i: int) -> object:
        params = QUERIES[i % len(QUERIES)]
        return services.search_procedures(params.get("q", ""), **{k: v for k, v in params.items() if k != "q"})

    client = Client()

    def api_call(i: int) -> object:
        response = client.get("/api/v1/procedures", QUERIES[i % len(QUERIES)])
        assert response.status_code == 200
        return response

    def detail_call(i: int) -> object:
        return client.get(f"/api/v1/procedures/{1 + i % 3}.{100000 + i % SIZE:06d}")

    results = []
    for operation, fn in (
        ("catalog.search (service)", service_call),
        ("catalog.search (GET /api/v1/procedures)", api_call),
        ("catalog.detail (GET /api/v1/procedures/{code})", detail_call),
    ):
        samples = latencies_ms(fn, SAMPLES)
        results.append(
            BenchResult(
                operation=operation,
                data_size=size,
                p50_ms=round(percentile(samples, 50), 2),
                p95_ms=round(percentile(samples, 95), 2),
                target=target if "search" in operation else "",
                note=f"{len(QUERIES)} query shapes, {SAMPLES} calls",
            )
        )
    return results
