"""The periodic report as XLSX and PDF in the layout of the official report (RPT-PER-06): title,
period, one header row of column names and one of column codes (A, B, C1, ...), rows, total."""

from __future__ import annotations

from io import BytesIO

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.reports.periodic import COLUMNS, IDENTITIES, Report

TITLE = "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
GROUP_LABELS = {"agency": "Cơ quan", "level": "Cấp", "sector": "Lĩnh vực", "procedure": "Thủ tục"}


def _title(report: Report) -> tuple[str, str]:
    period = _("Kỳ báo cáo: từ ngày %(first)s đến ngày %(last)s") % {
        "first": report.period.first.strftime("%d/%m/%Y"),
        "last": report.period.last.strftime("%d/%m/%Y"),
    }
    return _(TITLE), period


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Báo cáo")
    title, period = _title(report)
    width = len(COLUMNS) + 3
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([title])
    sheet.append([period])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.append([])
    sheet.append(["STT", _(GROUP_LABELS[report.group_by]), _("Mã"), *(str(c.label) for c in COLUMNS)])
    sheet.append(["", "", "", *(c.code for c in COLUMNS)])
    for index, row in enumerate(report.rows, start=1):
        sheet.append([index, row.label, row.code, *(row.figures[c.key] for c in COLUMNS)])
    sheet.append(["", str(report.total.label), "", *(report.total.figures[c.key] for c in COLUMNS)])
    last = sheet.max_row
    for line in sheet.iter_rows(min_row=4, max_row=last, max_col=width):
        for cell in line:
            cell.border = border
            if cell.row <= 5:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 40
    for index in range(4, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = "D6"
    notes = book.create_sheet(_("Cách tính"))
    notes.append([_("Cột"), _("Tên"), _("Cách tính")])
    for column in COLUMNS:
        notes.append([column.code, str(column.label), column.formula])
    notes.append([])
    notes.append([_("Đẳng thức đã kiểm tra trên mọi dòng:"), ", ".join(name for name, _l, _r in IDENTITIES)])
    if report.include_parts:
        notes.append([_("Hồ sơ liên thông được tính một lần cho mỗi phần việc của từng cơ quan tham gia.")])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: Report) -> bytes:
    from motcua.dossiers.forms.render import html_to_pdf

    title, period = _title(report)
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "title": title,
            "period": period,
            "report": report,
            "columns": COLUMNS,
            "group_label": _(GROUP_LABELS[report.group_by]),
            "identities": [name for name, _l, _r in IDENTITIES],
        },
    )
    return html_to_pdf(html)
