"""Report pages under /bao-cao/: the leaders' report with drill-down and exports, the dashboard, and
the public transparency page (RPT-PER-02/06, issue 7 §3-4)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.services import perform_action
from tests.dossiers.builders import UNIT_CODE, at, counter_dossier, to_processing

pytestmark = pytest.mark.django_db
QUERY = {"start": "2025-07-01", "end": "2025-07-31", "group_by": "agency", "agency": ""}


@pytest.fixture
def resolved(world):
    dossier = to_processing(world, counter_dossier(world))
    perform_action(dossier, "resolve", world.leader, {"result_kind": "approval"}, now=at(15, 10))
    late = to_processing(world, counter_dossier(world, now=at(15)), now=at(15))
    return dossier, late


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_rpt_per_report_page_links_every_cell_to_its_dossiers(world, resolved):
    client = _client(world.leader)
    page = client.get("/bao-cao/", QUERY)
    html = page.content.decode()
    assert page.status_code == 200 and "Ủy ban nhân dân phường Hạc Thành" in html
    links = re.findall(r'href="(/bao-cao/o/\?[^"]+column=overdue[^"]*)"', html)
    assert links, "the overdue cell links to its dossiers"
    cell = client.get(links[0].replace("&amp;", "&"))
    assert cell.status_code == 200 and resolved[1].code in cell.content.decode()
    assert resolved[0].code not in cell.content.decode()


def test_rpt_per_06_exports_xlsx_and_pdf(world, resolved):
    client = _client(world.leader)
    xlsx = client.get("/bao-cao/xlsx/", QUERY)
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    sheet = load_workbook(BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("BÁO CÁO TÌNH HÌNH") and rows[4][3:6] == ["A", "B", "C"]
    assert rows[5][2] == UNIT_CODE and rows[-1][3] == 2  # the total row: A = 2
    pdf = client.get("/bao-cao/pdf/", QUERY)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "BÁO CÁO TÌNH HÌNH" in text and "Hạc Thành" in text


def test_report_pages_need_a_sign_in_and_the_dashboard_draws_svg_with_a_table(world, resolved):
    anonymous = Client().get("/bao-cao/", QUERY)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(settings.LOGIN_URL)
    page = _client(world.leader).get("/bao-cao/tong-quan/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Số liệu của biểu đồ" in html
    refused = _client(world.outsider).get("/bao-cao/", {**QUERY, "agency": UNIT_CODE})
    assert "không được xem" in refused.content.decode()


def test_public_page_shows_counts_without_personal_data_and_can_be_embedded(world, resolved):
    page = Client().get(f"/bao-cao/cong-khai/{UNIT_CODE}/")
    html = page.content.decode()
    assert page.status_code == 200 and "X-Frame-Options" not in page.headers
    assert "Hạc Thành" in html and "<svg" in html
    assert resolved[0].code not in html and resolved[0].applicant_name not in html
    assert Client().get("/bao-cao/cong-khai/000.00.99.H56/").status_code == 404
