"""Read an import file into LayThuTuc-shaped records, one per procedure (docs/import-format.md).

JSON is the national shape as is. CSV is one row per procedure with the child tables packed into
cells; XLSX is the same `THUTUC` sheet plus one sheet per child table keyed by MATTHC. Row numbers
are what the officer sees: the 1-based array index in JSON, the spreadsheet row (header = 1)
in CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from motcua.core.errors import FieldError

LIST_SEP, ITEM_SEP, PART_SEP = ";", "|", ";"
SIMPLE_COLUMNS = ("MATTHC", "TENTTHC", "LOAITTHC", "DIACHITIEPNHAN", "YEUCAU", "IDQUYETDINHCONGBO")
EXTENSION_COLUMNS = ("MA_NOI_BO", "MUC_DO", "HIEU_LUC_TU", "BIEU_MAU_DIEN_TU")
# Positional parts of the packed cells (CSV) and the columns of the child sheets (XLSX).
DOCUMENT_PARTS = ("MAGIAYTO", "TENGIAYTO", "SOBANCHINH", "SOBANSAO", "TENMAUDON", "TRUONGHOP", "URL")
FEE_PARTS = ("MAPHILEPHI", "LOAIPHILEPHI", "SOTIEN", "MOTA", "KENH")
LEGAL_PARTS = ("SOVANBAN", "TENVANBAN", "NGAYBANHANH", "COQUANBANHANH")
RESULT_PARTS = ("MAKETQUA", "TENKETQUA")
PACKED = {
    "THANHPHANHOSO": DOCUMENT_PARTS,
    "PHILEPHI": FEE_PARTS,
    "CANCUPHAPLY": LEGAL_PARTS,
    "KETQUATHUCHIEN": RESULT_PARTS,
}
SHEET_ALIASES = {"KETQUA": "KETQUATHUCHIEN"}
FORMATS = ("json", "csv", "xlsx")


@dataclass
class ReadResult:
    records: list[tuple[int, Any]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(FieldError(row=row, field=column, code="invalid", message=message))


def detect_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else ""


def read_file(source: str | Path | IO[bytes], fmt: str | None = None) -> ReadResult:
    """Read `source` (a path or a binary file) in `fmt` (json, csv, xlsx; default from the suffix)."""
    name = str(source) if isinstance(source, str | Path) else getattr(source, "name", "")
    fmt = (fmt or detect_format(name)).lower()
    if fmt not in FORMATS:
        result = ReadResult()
        result.error(None, "file", _("Không nhận ra định dạng tệp (cần .json, .csv hoặc .xlsx)."))
        return result
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return _READERS[fmt](handle)
    return _READERS[fmt](source)


def read_json(handle: IO[bytes]) -> ReadResult:
    result = ReadResult()
    try:
        payload = json.loads(handle.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.error(None, "file", _("Tệp JSON không hợp lệ: %(error)s") % {"error": exc})
        return result
    if isinstance(payload, dict) and "procedures" in payload:
        payload = payload["procedures"]
    elif isinstance(payload, dict) and "MATTHC" in payload:
        payload = [payload]
    if not isinstance(payload, list):
        result.error(None, "file", _('Cần một mảng thủ tục hoặc {"procedures": [...]}.'))
        return result
    result.records = [(index, record) for index, record in enumerate(payload, start=1)]
    return result


def read_csv(handle: IO[bytes]) -> ReadResult:
    result = ReadResult()
    try:
        content = handle.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        result.error(None, "file", _("Tệp CSV phải được lưu với mã UTF-8."))
        return result
    header = content.split("\n", 1)[0]
    # Excel in Vietnamese locale separates CSV columns with ";" (the decimal mark is ",").
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        result.error(None, "file", _("Tệp CSV trống."))
        return result
    columns = [c.strip().upper() for c in rows[0]]
    for index, row in enumerate(rows[1:], start=2):
        cells = dict(zip(columns, row, strict=False))
        if any(str(v).strip() for v in cells.values()):
            result.records.append((index, flat_record(index, cells, result)))
    return result


def _cell(cells: dict[str, Any], column: str) -> Any:
    value = cells.get(column)
    return value.strip() if isinstance(value, str) else value


def _kenh(value: Any) -> str:
    text = str(value or "").strip()
    return text[:-2] if text.endswith(".0") else text


def split_list(value: Any, sep: str = LIST_SEP) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in str(value).split(sep) if part.strip()]


def unpack(row: int, column: str, value: Any, parts: tuple[str, ...], result: ReadResult) -> list[dict[str, Any]]:
    """`a;b;c|d;e;f` -> [{parts[0]: a, ...}, ...], each tagged with its cell position."""
    items = []
    for index, chunk in enumerate(split_list(value, ITEM_SEP)):
        fields = [part.strip() for part in chunk.split(PART_SEP)]
        if len(fields) > len(parts):
            result.error(
                row,
                f"{column}[{index}]",
                _("có %(got)s phần, tối đa %(max)s (%(parts)s)")
                % {"got": len(fields), "max": len(parts), "parts": ";".join(parts)},
            )
            continue
        item: dict[str, Any] = dict(zip(parts, fields, strict=False))
        item["_loc"] = (row, f"{column}[{index}]")
        items.append(item)
    return items


def group_documents(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat document rows -> THANHPHANHOSO groups by TRUONGHOP, keeping first-seen order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(str(item.pop("TRUONGHOP", "") or "").strip(), []).append(item)
    return [{"TRUONGHOP": case, "GIAYTO": docs} for case, docs in groups.items()]


def flat_record(row: int, cells: dict[str, Any], result: ReadResult) -> dict[str, Any]:
    """One THUTUC row (CSV or XLSX) -> one nested record."""
    here = (row, "")
    record: dict[str, Any] = {column: _cell(cells, column) for column in SIMPLE_COLUMNS}
    if isinstance(record["MATTHC"], float):
        # Excel turns an unformatted 1.001190 into the number 1.00119; give back the 6 digits.
        record["MATTHC"] = f"{record['MATTHC']:.6f}"
    record["CAPTHUCHIEN"] = split_list(_cell(cells, "CAPTHUCHIEN"))
    sector = {"MALINHVUC": _cell(cells, "MALINHVUC"), "TENLINHVUC": _cell(cells, "TENLINHVUC"), "_loc": here}
    record["LINHVUCTHUCHIEN"] = [sector] if sector["MALINHVUC"] or sector["TENLINHVUC"] else []
    codes, names = split_list(_cell(cells, "MACOQUAN")), split_list(_cell(cells, "TENCOQUAN"))
    record["COQUANTHUCHIEN"] = [
        {"MACOQUAN": codes[i] if i < len(codes) else "", "TENCOQUAN": names[i] if i < len(names) else "", "_loc": here}
        for i in range(max(len(codes), len(names)))
    ]
    record["TRINHTUTHUCHIEN"] = [{"TENTRINHTU": line} for line in split_list(_cell(cells, "TRINHTUTHUCHIEN"), "\n")]
    record["MOTCUA"] = {column: _cell(cells, column) for column in EXTENSION_COLUMNS} | {"_loc": here}
    packed = {column: unpack(row, column, _cell(cells, column), parts, result) for column, parts in PACKED.items()}
    record["THANHPHANHOSO"] = group_documents(packed["THANHPHANHOSO"])
    record["CANCUPHAPLY"] = packed["CANCUPHAPLY"]
    record["KETQUATHUCHIEN"] = packed["KETQUATHUCHIEN"]
    time = {
        "THOIGIANGIAIQUYET": _cell(cells, "THOIGIANGIAIQUYET"),
        "DONVITINH": _cell(cells, "DONVITINH"),
        "MOTA": _cell(cells, "MOTATHOIGIAN"),
        "_loc": here,
    }
    record["CACHTHUCTHUCHIEN"] = [
        {"KENH": kenh, "THOIGIAN": [time], "PHILEPHI": [], "_loc": here} for kenh in split_list(_cell(cells, "KENH"))
    ]
    for fee in packed["PHILEPHI"]:
        attach_fee(record, fee, row, result)
    return record


def attach_fee(record: dict[str, Any], fee: dict[str, Any], row: int, result: ReadResult) -> None:
    """Put a flat fee line on its channel (KENH) or, when KENH is empty, on every channel."""
    kenh = _kenh(fee.pop("KENH", ""))
    ways = record["CACHTHUCTHUCHIEN"]
    targets = [way for way in ways if not kenh or _kenh(way["KENH"]) == kenh]
    if not targets:
        _, column = fee["_loc"]
        result.error(row, f"{column}.KENH", _("kênh “%(kenh)s” không có trong cột KENH") % {"kenh": kenh or "?"})
    for way in targets:
        way["PHILEPHI"].append(fee)


def read_xlsx(handle: IO[bytes]) -> ReadResult:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    result = ReadResult()
    try:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        result.error(None, "file", _("Tệp XLSX không đọc được: %(error)s") % {"error": exc})
        return result
    sheets = {
        SHEET_ALIASES.get(name.strip().upper(), name.strip().upper()): workbook[name] for name in workbook.sheetnames
    }
    if "THUTUC" not in sheets:
        result.error(None, "file", _("Thiếu trang tính THUTUC."))
        return result
    by_code: dict[str, dict[str, Any]] = {}
    for row, cells in sheet_rows(sheets["THUTUC"]):
        record = flat_record(row, cells, result)
        result.records.append((row, record))
        by_code.setdefault(str(record.get("MATTHC") or "").strip(), record)
    for sheet_name, parts in PACKED.items():
        if sheet_name in sheets:
            read_child_sheet(sheet_name, sheets[sheet_name], parts, by_code, result)
    workbook.close()
    return result


def sheet_rows(sheet: Any) -> list[tuple[int, dict[str, Any]]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    columns = [str(c).strip().upper() if c is not None else "" for c in header]
    found = []
    for index, values in enumerate(rows, start=2):
        cells = dict(zip(columns, values, strict=False))
        if any(v is not None and str(v).strip() for v in cells.values()):
            found.append((index, cells))
    return found


def read_child_sheet(
    name: str, sheet: Any, parts: tuple[str, ...], by_code: dict[str, dict[str, Any]], result: ReadResult
) -> None:
    for row, cells in sheet_rows(sheet):
        code = str(cells.get("MATTHC") or "").strip()
        record = by_code.get(code)
        if record is None:
            result.error(row, f"{name}.MATTHC", _("mã thủ tục “%(code)s” không có trong trang THUTUC") % {"code": code})
            continue
        item: dict[str, Any] = {part: _cell(cells, part) for part in parts} | {"_loc": (row, name)}
        if name == "THANHPHANHOSO":
            case = str(item.pop("TRUONGHOP", "") or "").strip()
            group = next((g for g in record["THANHPHANHOSO"] if g["TRUONGHOP"] == case), None)
            if group is None:
                group = {"TRUONGHOP": case, "GIAYTO": []}
                record["THANHPHANHOSO"].append(group)
            group["GIAYTO"].append(item)
        elif name == "PHILEPHI":
            attach_fee(record, item, row, result)
        else:
            record[name].append(item)


_READERS = {"json": read_json, "csv": read_csv, "xlsx": read_xlsx}
