"""The one-stop forms rendered to PDF from plain data (OS-FORM-01..10, OS-CODE-03, OS-LATE-05, DOC-NUM-06).

Pure tests: no database. PDFs are opened with pypdf; the text is compared after NFC normalisation
and with runs of white space collapsed (a line break in the PDF reads as a space).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import socket
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pypdf
import pytest
import segno

from motcua.dossiers.forms import (
    FORM_KEYS,
    ApologyData,
    Applicant,
    ControlSlipData,
    DocumentForm,
    FormHeader,
    FormRenderError,
    HandOver,
    ReceiptComponent,
    ReceiptData,
    RefusalData,
    Regime,
    RegisterData,
    RegisterRow,
    SupplementItem,
    SupplementRequestData,
    Timeliness,
    date_words,
    form_number,
    format_date_line,
    format_form_datetime,
    html_to_pdf,
    qr_data_uri,
    qr_svg,
    render_form,
    render_html,
)
from motcua.dossiers.forms.render import url_fetcher

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)
CODE = "000.00.01.H56-250714-0001"
TRACKING_URL = f"https://dichvucong.sonla.gov.vn/tra-cuu?ma={CODE}"
RECEIVED = datetime(2025, 7, 14, 2, 30, tzinfo=UTC)  # 09:30 in Hanoi
DUE = datetime(2025, 7, 21, 9, 0, tzinfo=UTC)  # 16:00 in Hanoi
APPLICANT = Applicant("Lò Thị Thanh", "Bản Củ, xã Chiềng Sinh, tỉnh Sơn La", "0912 345 678", "thanh.lo@example.vn")
MATTER = "Cấp đổi giấy phép lái xe"
COMMON = {"dossier_code": CODE, "applicant": APPLICANT, "matter": MATTER}


def header(regime: Regime = Regime.ND61_2018, number: str = "") -> FormHeader:
    return FormHeader(
        governing_body="UBND TỈNH SƠN LA",
        issuing_unit="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        place="Sơn La",
        date=date(2026, 1, 5),
        regime=regime,
        unit_name="Trung tâm Phục vụ hành chính công tỉnh Sơn La",
        number=number,
    )


def receipt(tracking_url: str = TRACKING_URL, regime: Regime = Regime.ND61_2018) -> ReceiptData:
    return ReceiptData(
        header=header(regime),
        **COMMON,
        components=[
            ReceiptComponent("Đơn đề nghị đổi giấy phép lái xe", originals=1),
            ReceiptComponent("Giấy khám sức khỏe của người lái xe", originals=1, copies=1),
        ],
        sets=1,
        time_limit="05 ngày làm việc",
        received_at=RECEIVED,
        due_at=DUE,
        return_place="Quầy số 3, Trung tâm Phục vụ hành chính công tỉnh",
        register_book="01",
        register_entry="0125",
        officer_name="Nguyễn Văn Đức",
        copy=2,
        tracking_url=tracking_url,
    )


def supplement_request() -> SupplementRequestData:
    return SupplementRequestData(
        header=header(number="12/PYCBS"),
        **COMMON,
        items=[
            SupplementItem("Giấy khám sức khỏe của người lái xe", 1, DocumentForm.ORIGINAL),
            SupplementItem("Căn cước của người đề nghị", 1, "certified_copy"),
        ],
        reason="Giấy khám sức khỏe đã hết hạn sử dụng.",
        contact_name="bà Hoàng Thị Mai",
        contact_phone="0212 3852 123",
        officer_name="Nguyễn Văn Đức",
    )


def refusal() -> RefusalData:
    return RefusalData(
        header=header(number="03/PTC"),
        **COMMON,
        reasons=["Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.", "Giấy tờ đã hết hiệu lực."],
        officer_name="Nguyễn Văn Đức",
    )


def apology(regime: Regime) -> ApologyData:
    return ApologyData(
        header=header(regime, number="07/PXL"),
        applicant=APPLICANT,
        received_at=RECEIVED,
        matter=MATTER,
        dossier_code=CODE,
        due_at=DUE,
        delay_reason="Cần xác minh thông tin với cơ quan cấp giấy phép lái xe trước đây.",
        new_due_at=datetime(2025, 7, 25, 1, 0, tzinfo=UTC),
        return_place="Quầy số 3, Trung tâm Phục vụ hành chính công tỉnh",
        signer_title="GIÁM ĐỐC" if regime == Regime.ND118_2025 else "THỦ TRƯỞNG CƠ QUAN",
        signer_name="Quàng Văn Bình",
    )


def control_slip(regime: Regime = Regime.ND61_2018) -> ControlSlipData:
    return ControlSlipData(
        header=header(regime),
        **COMMON,
        received_at=RECEIVED,
        due_at=DUE,
        lead_agency="Sở Xây dựng tỉnh Sơn La",
        coordinating_agencies=["Công an tỉnh Sơn La"],
        handovers=[
            HandOver("Bộ phận Một cửa - Nguyễn Văn Đức", "Phòng Quản lý vận tải - Điêu Văn Hùng", RECEIVED, "early"),
            HandOver(
                "Phòng Quản lý vận tải - Điêu Văn Hùng",
                "Lãnh đạo Sở - Cầm Thị Hoa",
                datetime(2025, 7, 22, 3, 15, tzinfo=UTC),
                Timeliness.LATE,
                "Chờ xác minh",
            ),
        ],
    )


def register(rows: int = 60) -> RegisterData:
    start = datetime(2025, 1, 2, 1, 0, tzinfo=UTC)
    return RegisterData(
        header=header(),
        year=2025,
        book_no="01",
        rows=[
            RegisterRow(
                no=n,
                dossier_code=f"000.00.01.H56-250102-{n:04d}",
                procedure="Cấp đổi giấy phép lái xe",
                applicant=f"Lò Thị Thanh {n}",
                contact="0912 345 678",
                agency="Sở Xây dựng",
                received_at=start + timedelta(hours=n),
                due_at=start + timedelta(days=7, hours=n),
                transferred_at=start + timedelta(hours=n, minutes=30),
                returned_at=start + timedelta(days=6) if n % 2 else None,
            )
            for n in range(1, rows + 1)
        ],
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def pdf_text(pdf: bytes) -> str:
    return _norm(" ".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(pdf)).pages))


def assert_contains(pdf: bytes, *expected: str) -> None:
    text = pdf_text(pdf)
    for item in expected:
        assert _norm(item) in text, f"{item!r} not in the PDF text: {text[:400]}..."


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in pypdf.PdfReader(BytesIO(pdf)).pages]


def assert_size(pdf: bytes, size: tuple[float, float]) -> None:
    for width, height in page_sizes(pdf):
        assert width == pytest.approx(size[0], abs=1) and height == pytest.approx(size[1], abs=1)


MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND TỈNH SƠN LA")
DATE_LINE = "Sơn La, ngày 05 tháng 01 năm 2026"


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return render_form("receipt", receipt())


def test_os_form_01_receipt_is_one_a5_page_with_its_fields_in_vietnamese(receipt_pdf):
    assert_size(receipt_pdf, A5)
    assert len(page_sizes(receipt_pdf)) == 1
    assert_contains(
        receipt_pdf,
        *MOTTO,
        DATE_LINE,
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        "Liên 2",
        "tiếp nhận hồ sơ của: Lò Thị Thanh",
        "Địa chỉ: Bản Củ, xã Chiềng Sinh, tỉnh Sơn La",
        "Email: thanh.lo@example.vn",
        f"Nội dung yêu cầu giải quyết: {MATTER}",
        "Giấy khám sức khỏe của người lái xe",
        "Số lượng hồ sơ: 01 bộ",
        "05 ngày làm việc",
        "Thời gian nhận hồ sơ: 09:30 14/07/2025",
        "Thời gian trả kết quả giải quyết hồ sơ: 16:00 21/07/2025",
        "Đăng ký nhận kết quả tại: Quầy số 3",
        "Quyển số: 01, Số thứ tự: 0125",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Văn Đức",
    )


def test_os_form_03_receipt_fields_follow_the_order_of_the_rules(receipt_pdf):
    text = pdf_text(receipt_pdf)
    order = ["Mã hồ sơ", "Liên 2", "Lò Thị Thanh", "Nội dung yêu cầu", "1. Thành phần", "2. Số lượng"]
    order += ["3. Thời gian giải quyết", "4. Thời gian nhận", "5. Thời gian trả", "6. Đăng ký nhận", "Quyển số"]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)


def test_os_code_03_receipt_prints_the_qr_code_and_the_code_under_it(receipt_pdf):
    html = render_html("receipt", receipt())
    assert f'src="{qr_data_uri(TRACKING_URL)}"' in html
    without_qr = render_form("receipt", receipt(tracking_url=""))

    def path_ops(pdf: bytes) -> int:
        content = pypdf.PdfReader(BytesIO(pdf)).pages[0].get_contents().get_data()
        return content.split().count(b"m")

    # segno's SVG is drawn as vector line segments: hundreds of `m` operators only with the QR code.
    assert path_ops(receipt_pdf) - path_ops(without_qr) > 100
    assert pdf_text(receipt_pdf).count(CODE) == 2  # after "Mã hồ sơ:" and under the QR code
    assert pdf_text(without_qr).count(CODE) == 1


def test_os_code_03_qr_svg_is_segno_output_for_the_url():
    svg = qr_svg(TRACKING_URL)
    expected = segno.make(TRACKING_URL, error="m", micro=False, boost_error=False)
    assert svg == expected.svg_inline(scale=1, border=0, dark="#000")
    root = ET.fromstring(svg)
    assert int(root.get("width")) == expected.symbol_size(scale=1, border=0)[0] >= 21  # a full QR, not Micro QR
    assert root.find("{http://www.w3.org/2000/svg}path") is not None or root.find("path") is not None
    assert qr_svg(TRACKING_URL + "x") != svg
    assert qr_data_uri(TRACKING_URL).startswith("data:image/svg+xml")
    with pytest.raises(ValueError):
        qr_svg("")


def test_os_form_04_supplement_request_lists_components_reason_and_contact():
    pdf = render_form("supplement_request", supplement_request())
    assert_size(pdf, A5)
    assert_contains(
        pdf,
        *MOTTO,
        "Mẫu số 02",
        "Số: 12/PYCBS",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Lò Thị Thanh",
        CODE,
        "Căn cước của người đề nghị 01 Bản sao có chứng thực",
        "Giấy khám sức khỏe của người lái xe 01 Bản chính",
        "Lý do: Giấy khám sức khỏe đã hết hạn sử dụng.",
        "liên hệ với bà Hoàng Thị Mai, số điện thoại 0212 3852 123",
        "NGƯỜI HƯỚNG DẪN",
    )


def test_os_form_04_refusal_states_the_reasons():
    pdf = render_form("refusal", refusal())
    assert_size(pdf, A5)
    assert_contains(
        pdf,
        *MOTTO,
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Lò Thị Thanh",
        "1. Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
        "2. Giấy tờ đã hết hiệu lực.",
    )


def test_os_form_05_apology_nd61_gives_original_and_new_return_times():
    pdf = render_form("apology", apology(Regime.ND61_2018))
    assert_size(pdf, A5)
    assert_contains(
        pdf,
        *MOTTO,
        "Mẫu số 04",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Kính gửi: Lò Thị Thanh",
        "Vào lúc 09:30 14/07/2025",
        f"Mã hồ sơ: {CODE}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16:00 21/07/2025",
        "Lý do: Cần xác minh thông tin",
        "xin lỗi ông/bà/tổ chức",
        "08:00 25/07/2025",
        "THỦ TRƯỞNG CƠ QUAN",
        "Quàng Văn Bình",
    )


def test_os_late_05_apology_nd118_asks_for_an_extension_with_a_configurable_signer():
    data = apology(Regime.ND118_2025)
    assert data.regime == Regime.ND118_2025
    pdf = render_form("apology", data)
    assert_contains(
        pdf,
        "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "đề nghị gia hạn thời gian giải quyết hồ sơ",
        "Thời gian trả kết quả mới: 08:00 25/07/2025",
        "GIÁM ĐỐC",
    )
    assert "HẸN LẠI NGÀY TRẢ KẾT QUẢ" not in pdf_text(pdf)


@pytest.mark.parametrize(("regime", "number"), [(Regime.ND61_2018, "05"), (Regime.ND118_2025, "06")])
def test_os_form_06_control_slip_has_header_and_one_row_per_handover(regime, number):
    pdf = render_form("control_slip", control_slip(regime))
    assert_size(pdf, A5)
    assert_contains(
        pdf,
        f"Mẫu số {number}",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {CODE}",
        "Kèm theo hồ sơ của: Lò Thị Thanh",
        "Thời gian nhận hồ sơ: 09:30 14/07/2025",
        "Thời gian hẹn trả kết quả: 16:00 21/07/2025",
        "Sở Xây dựng tỉnh Sơn La",
        "Công an tỉnh Sơn La",
        "1. Giao: Bộ phận Một cửa - Nguyễn Văn Đức",
        "Nhận: Phòng Quản lý vận tải - Điêu Văn Hùng",
        "Trước hạn",
        "10:15 22/07/2025",
        "Quá hạn",
        "Chờ xác minh",
    )


def test_os_form_07_register_is_a4_landscape_and_repeats_its_header_on_every_page():
    pdf = render_form("register", register(60))
    assert_size(pdf, A4_LANDSCAPE)
    pages = [_norm(page.extract_text()) for page in pypdf.PdfReader(BytesIO(pdf)).pages]
    assert len(pages) >= 2
    for page in pages:
        assert "Mã hồ sơ" in page and "Hẹn trả kết quả" in page and "Trả kết quả cho tổ chức, cá nhân" in page
    text = " ".join(pages)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Năm 2025" in text and "Mẫu số 06" in text
    assert all(f"000.00.01.H56-250102-{n:04d}" in text for n in range(1, 61))
    assert "09:00 02/01/2025" in text  # row 1 received at 02:00 UTC
    assert f"Trang 1/{len(pages)}" in text


def test_os_form_08_register_entries_count_from_01():
    html = render_html("register", register(2))
    assert re.search(r'<td class="num">01</td>', html)
    assert "Mẫu số 07" in render_html("register", dataclasses.replace(register(1), header=header(Regime.ND118_2025)))


@pytest.mark.parametrize(
    ("key", "nd61", "nd118"),
    [
        ("receipt", "01", "01"),
        ("supplement_request", "02", "02"),
        ("refusal", "03", "03"),
        ("apology", "04", "04"),
        ("stop_notice", None, "05"),
        ("control_slip", "05", "06"),
        ("register", "06", "07"),
    ],
)
def test_os_form_10_regime_maps_keys_to_numbers(key, nd61, nd118):
    assert key in FORM_KEYS
    assert form_number(key, "nd118_2025") == nd118
    if nd61 is None:
        with pytest.raises(KeyError):
            form_number(key, Regime.ND61_2018)
    else:
        assert form_number(key, Regime.ND61_2018) == nd61


def test_os_form_10_unknown_or_mismatched_forms_are_refused():
    with pytest.raises(TypeError):
        render_form("stop_notice", receipt())
    with pytest.raises(KeyError):
        render_form("transfer_slip", receipt())
    with pytest.raises(TypeError):
        render_form("refusal", receipt())


def test_os_form_01_inputs_are_frozen_and_validated():
    data = receipt()
    assert isinstance(data.components, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.copy = 1  # type: ignore[misc]
    with pytest.raises(ValueError):
        dataclasses.replace(data, copy=3)
    with pytest.raises(ValueError):
        dataclasses.replace(data, sets=0)
    with pytest.raises(ValueError):
        dataclasses.replace(refusal(), reasons=())
    assert header().unit_name == "Trung tâm Phục vụ hành chính công tỉnh Sơn La"
    assert dataclasses.replace(header(), unit_name="").unit_name == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2020, 2, 9), "ngày 09 tháng 02 năm 2020"),
        (date(2020, 3, 15), "ngày 15 tháng 3 năm 2020"),
        (date(2025, 9, 1), "ngày 01 tháng 9 năm 2025"),
        (date(2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
        (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
    ],
)
def test_doc_num_06_date_words_zero_pad_days_below_10_and_months_1_2(day, words):
    assert date_words(day) == words
    assert format_date_line("Sơn La", day) == f"Sơn La, {words}"


def test_doc_num_06_date_line_uses_the_local_date_of_an_aware_datetime():
    new_year_in_hanoi = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January 2026 in Hanoi
    assert format_date_line("Sơn La", new_year_in_hanoi) == "Sơn La, ngày 01 tháng 01 năm 2026"


def test_formats_1_printed_times_are_hh_mm_dd_mm_yyyy_in_ho_chi_minh_time():
    assert format_form_datetime(RECEIVED) == "09:30 14/07/2025"
    assert format_form_datetime(datetime(2025, 7, 14, 17, 5, tzinfo=UTC)) == "00:05 15/07/2025"
    assert format_form_datetime(None) == ""
    with pytest.raises(ValueError):
        format_form_datetime(datetime(2025, 7, 14, 9, 30))


def test_rendering_never_fetches_anything_but_data_uris(monkeypatch):
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    fetcher = url_fetcher()
    for url in ("https://example.com/logo.png", "http://127.0.0.1/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    assert fetcher.fetch(qr_data_uri(TRACKING_URL)).read().startswith(b"<svg")
    with pytest.raises(FormRenderError):
        html_to_pdf('<html><body><img src="https://example.com/logo.png"></body></html>')
    assert connections == []


def test_os_form_01_text_uses_a_font_with_vietnamese_glyphs(receipt_pdf):
    reader = pypdf.PdfReader(BytesIO(receipt_pdf))
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all(re.search(r"(Noto|DejaVu)-?Serif", name) for name in fonts), fonts
    assert '"Noto Serif", "DejaVu Serif", serif' in render_html("receipt", receipt())


ALL_FORMS = {
    "receipt": receipt,
    "supplement_request": supplement_request,
    "refusal": refusal,
    "apology": lambda: apology(Regime.ND61_2018),
    "control_slip": control_slip,
    "register": lambda: register(3),
}


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("key", sorted(ALL_FORMS))
def test_os_form_02_every_form_rasterises_with_poppler(key, tmp_path):
    pdf = tmp_path / f"{key}.pdf"
    pdf.write_bytes(render_form(key, ALL_FORMS[key]()))
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf, tmp_path / key], check=True)
    pngs = list(tmp_path.glob(f"{key}*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 1000


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_os_code_03_printed_qr_modules_match_the_tracking_url(receipt_pdf, tmp_path):
    """Poor man's QR decoding: rasterise the printed receipt with poppler, find the QR image through
    WeasyPrint's layout, sample every module centre and compare with segno's matrix for the URL."""
    from PIL import Image
    from weasyprint import HTML

    document = HTML(string=render_html("receipt", receipt()), url_fetcher=url_fetcher()).render()
    (image,) = [box for box in document.pages[0]._page_box.descendants() if type(box).__name__.endswith("ReplacedBox")]
    (tmp_path / "receipt.pdf").write_bytes(receipt_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "300", "-singlefile", tmp_path / "receipt.pdf", tmp_path / "page"], check=True
    )
    pixels = Image.open(tmp_path / "page.png").convert("L").load()
    scale = 300 / 96  # CSS px -> 300 dpi pixels

    def sampled(url: str) -> int:
        matrix = segno.make(url, error="m", micro=False, boost_error=False).matrix
        module = image.width * scale / len(matrix)
        left, top = image.content_box_x() * scale, image.content_box_y() * scale
        return sum(
            (pixels[int(left + (c + 0.5) * module), int(top + (r + 0.5) * module)] < 128) != bool(dark)
            for r, row in enumerate(matrix)
            for c, dark in enumerate(row)
        )

    assert sampled(TRACKING_URL) == 0
    assert sampled(TRACKING_URL.replace("0001", "0002")) > 50
