"""Map one national-catalogue record (LayThuTuc shape, formats.md §5.4) to `ProcedureData`.

Every problem becomes a `FieldError(row=..., field=...)` with the path of the offending value
(`CACHTHUCTHUCHIEN[0].THOIGIAN[0].THOIGIANGIAIQUYET`); nothing touches the database. Flat readers
(CSV, XLSX) tag the items they build with `_loc` = (row, field prefix) so errors name the
spreadsheet row and column the officer typed, not the nested path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from motcua.catalog.importer import values
from motcua.catalog.importer.values import BadValue
from motcua.catalog.models import PROCEDURE_CODE_RE, Channel, FeeChannel, ServiceMode
from motcua.core.errors import FieldError

T = TypeVar("T")


@dataclass(frozen=True)
class Loc:
    row: int
    path: str = ""

    def key(self, name: str) -> Loc:
        return Loc(self.row, f"{self.path}.{name}" if self.path else name)

    def item(self, index: int, obj: Any) -> Loc:
        if isinstance(obj, dict) and "_loc" in obj:
            row, path = obj["_loc"]
            return Loc(row, path)
        return Loc(self.row, f"{self.path}[{index}]")


@dataclass
class DocumentData:
    case_group: str
    code: str
    name: str
    originals: int
    copies: int
    template_name: str
    template_url: str
    e_form: bool


@dataclass
class FeeData:
    code: str
    name: str
    kind: str
    amount: int
    channel: str
    is_exempt: bool
    exemption_text: str


@dataclass
class LegalBasisData:
    number: str
    title: str
    issued_on: dt.date | None
    issuer: str


@dataclass
class ResultData:
    code: str
    name: str


@dataclass
class ProcedureData:
    row: int
    procedure_code: str = ""
    local_code: str = ""
    name: str = ""
    procedure_kind: str = ""
    levels: list[str] = field(default_factory=list)
    sector_field_code: str = ""
    sector_name: str = ""
    agency_codes: list[str] = field(default_factory=list)
    competent_agency_text: str = ""
    receiving_place: str = ""
    steps: str = ""
    time_limit_days: Decimal | None = None
    time_limit_unit: str = "working_days"
    time_limit_description: str = ""
    service_mode: str = ServiceMode.OFFLINE
    channels: list[str] = field(default_factory=list)
    requirements: str = ""
    publication_decision: str = ""
    has_e_form: bool = False
    valid_from: dt.date | None = None
    documents: list[DocumentData] = field(default_factory=list)
    fees: list[FeeData] = field(default_factory=list)
    legal_bases: list[LegalBasisData] = field(default_factory=list)
    results: list[ResultData] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    agency_refs: list[tuple[str, Loc]] = field(default_factory=list, repr=False)

    def fingerprint(self) -> str:
        """SHA-256 of the mapped content: equal files give equal fingerprints whatever the format."""
        content = asdict(self)
        for transient in ("row", "raw", "agency_refs"):
            content.pop(transient)
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def strip_locations(value: Any) -> Any:
    """The raw payload as it would look in JSON (without the readers' `_loc` tags)."""
    if isinstance(value, dict):
        return {k: strip_locations(v) for k, v in value.items() if k != "_loc"}
    if isinstance(value, list):
        return [strip_locations(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Mapper:
    """Reads one record; collects errors instead of stopping at the first."""

    def __init__(self, row: int, record: dict[str, Any]) -> None:
        self.record = record
        self.root = Loc(row)
        self.errors: list[FieldError] = []
        self.data = ProcedureData(row=row, raw=strip_locations(record))

    def error(self, loc: Loc, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(row=loc.row, field=loc.path, code=code, message=message))

    def read(self, obj: dict[str, Any], key: str, loc: Loc, parse: Callable[[Any], T], default: T) -> T:
        try:
            return parse(obj.get(key))
        except BadValue as exc:
            self.error(loc.key(key), exc.message)
            return default

    def required(self, obj: dict[str, Any], key: str, loc: Loc) -> str:
        if values.is_blank(obj.get(key)):
            self.error(loc.key(key), _("bắt buộc, không được để trống"), "required")
            return ""
        return self.read(obj, key, loc, values.text, "")

    def items(self, obj: dict[str, Any], key: str, loc: Loc) -> list[tuple[Loc, dict[str, Any]]]:
        """The list under `key` as (location, object) pairs; a non-list or a non-object is an error."""
        value = obj.get(key)
        if values.is_blank(value):
            return []
        if not isinstance(value, list):
            self.error(loc.key(key), _("cần một danh sách"))
            return []
        pairs = []
        for index, item in enumerate(value):
            item_loc = loc.key(key).item(index, item)
            if isinstance(item, dict):
                pairs.append((item_loc, item))
            else:
                self.error(item_loc, _("cần một đối tượng"))
        return pairs

    def run(self) -> ProcedureData:
        record, root, data = self.record, self.root, self.data
        data.procedure_code = self._procedure_code()
        data.name = self.required(record, "TENTTHC", root)
        data.procedure_kind = self.read(record, "LOAITTHC", root, values.text, "")
        data.receiving_place = self.read(record, "DIACHITIEPNHAN", root, values.text, "")
        data.requirements = self.read(record, "YEUCAU", root, values.text, "")
        data.publication_decision = self.read(record, "IDQUYETDINHCONGBO", root, values.text, "")[:200]
        self._levels()
        self._sector()
        self._agencies()
        data.steps = "\n".join(
            self.read(step, "TENTRINHTU", loc, values.text, "")
            for loc, step in self.items(record, "TRINHTUTHUCHIEN", root)
        )
        self._extension()
        self._channels()
        self._documents()
        self._legal_bases()
        data.results = [
            ResultData(
                code=self.read(item, "MAKETQUA", loc, values.text, ""), name=self.required(item, "TENKETQUA", loc)
            )
            for loc, item in self.items(record, "KETQUATHUCHIEN", root)
        ]
        return data

    def _procedure_code(self) -> str:
        code = self.required(self.record, "MATTHC", self.root)
        if code and (len(code) > 60 or any(ch.isspace() for ch in code)):
            self.error(self.root.key("MATTHC"), _("mã thủ tục “%(code)s” không hợp lệ") % {"code": code})
        elif code and not PROCEDURE_CODE_RE.match(code):
            pass  # localised or legacy codes are kept and flagged (Procedure.code_is_canonical)
        return code

    def _levels(self) -> None:
        raw = self.record.get("CAPTHUCHIEN")
        loc = self.root.key("CAPTHUCHIEN")
        entries = raw if isinstance(raw, list) else [raw] if not values.is_blank(raw) else []
        for index, entry in enumerate(entries):
            try:
                level = values.level(entry)
            except BadValue as exc:
                self.error(loc.item(index, entry) if isinstance(raw, list) else loc, exc.message)
                continue
            if level not in self.data.levels:
                self.data.levels.append(level)
        if not entries:
            self.error(loc, _("bắt buộc, cần ít nhất một cấp thực hiện"), "required")

    def _sector(self) -> None:
        sectors = self.items(self.record, "LINHVUCTHUCHIEN", self.root)
        if not sectors:
            self.error(self.root.key("LINHVUCTHUCHIEN"), _("bắt buộc, cần mã và tên lĩnh vực"), "required")
            return
        loc, first = sectors[0]
        self.data.sector_field_code = self.required(first, "MALINHVUC", loc)[:40]
        self.data.sector_name = self.required(first, "TENLINHVUC", loc)[:300]

    def _agencies(self) -> None:
        names = []
        for loc, item in self.items(self.record, "COQUANTHUCHIEN", self.root):
            code = self.read(item, "MACOQUAN", loc, values.text, "")
            code = "" if code.lower() == "null" else code  # national exports write the string "null"
            name = self.read(item, "TENCOQUAN", loc, values.text, "")
            if code and code not in self.data.agency_codes:
                self.data.agency_codes.append(code)
                self.data.agency_refs.append((code, loc.key("MACOQUAN")))
            if name:
                names.append(name)
        self.data.competent_agency_text = "; ".join(names)

    def _extension(self) -> None:
        ext = self.record.get("MOTCUA")
        if values.is_blank(ext):
            return
        loc = self.root.item(0, ext) if isinstance(ext, dict) and "_loc" in ext else self.root.key("MOTCUA")
        if not isinstance(ext, dict):
            self.error(loc, _("cần một đối tượng"))
            return
        self.data.local_code = self.read(ext, "MA_NOI_BO", loc, values.text, "")[:60]
        self.data.has_e_form = self.read(ext, "BIEU_MAU_DIEN_TU", loc, values.boolean, False)
        self.data.valid_from = self.read(ext, "HIEU_LUC_TU", loc, lambda v: values.date(v, day_first=False), None)
        if not values.is_blank(ext.get("MUC_DO")):
            self._explicit_mode = (self.read(ext, "MUC_DO", loc, values.service_mode, ""), loc.key("MUC_DO"))

    _explicit_mode: tuple[str, Loc] | None = None

    def _channels(self) -> None:
        ways = self.items(self.record, "CACHTHUCTHUCHIEN", self.root)
        fee_rows: list[tuple[str, FeeData]] = []
        timed: list[tuple[str, Loc, dict[str, Any]]] = []
        for loc, way in ways:
            if values.is_blank(way.get("KENH")):
                self.error(loc.key("KENH"), _("bắt buộc (1 trực tiếp, 2 trực tuyến, 3 bưu chính)"), "required")
                continue
            channel = self.read(way, "KENH", loc, values.channel, "")
            if not channel:
                continue
            if channel not in self.data.channels:
                self.data.channels.append(channel)
            for time_loc, time in self.items(way, "THOIGIAN", loc):
                timed.append((channel, time_loc, time))
            fee_rows += [(channel, self._fee(fee_loc, fee)) for fee_loc, fee in self.items(way, "PHILEPHI", loc)]
        if not ways:
            self.error(self.root.key("CACHTHUCTHUCHIEN"), _("bắt buộc, cần ít nhất một kênh thực hiện"), "required")
        self._time_limit(timed)
        self.data.fees = merge_fees(fee_rows, self.data.channels)
        self._service_mode()

    def _time_limit(self, timed: list[tuple[str, Loc, dict[str, Any]]]) -> None:
        parsed = []
        for channel, loc, time in timed:
            if values.is_blank(time.get("THOIGIANGIAIQUYET")):
                continue
            value = self.read(time, "THOIGIANGIAIQUYET", loc, values.time_limit, None)
            unit = self.read(time, "DONVITINH", loc, values.time_unit, "")
            description = self.read(time, "MOTA", loc, values.text, "")
            if value is not None and unit:
                parsed.append((channel, value, unit, description))
        if not parsed:
            return
        # The counter channel's limit is the statutory one; other channels only when there is no counter.
        chosen = next((p for p in parsed if p[0] == Channel.COUNTER), parsed[0])
        _, self.data.time_limit_days, self.data.time_limit_unit, self.data.time_limit_description = chosen

    def _fee(self, loc: Loc, fee: dict[str, Any]) -> FeeData:
        amount = self.read(fee, "SOTIEN", loc, values.amount_vnd, 0)
        description = self.read(fee, "MOTA", loc, values.text, "")
        return FeeData(
            code=self.read(fee, "MAPHILEPHI", loc, values.text, "")[:60],
            name=self.read(fee, "TENPHILEPHI", loc, values.text, "")[:1000],
            kind=self.read(fee, "LOAIPHILEPHI", loc, values.fee_kind, "charge"),
            amount=amount,
            channel=FeeChannel.ALL,
            is_exempt=amount == 0,
            exemption_text=description,
        )

    def _service_mode(self) -> None:
        online = Channel.ONLINE in self.data.channels
        if self._explicit_mode is None:
            # Without the local extension, an online channel means at least partial online service.
            self.data.service_mode = ServiceMode.ONLINE_PARTIAL if online else ServiceMode.OFFLINE
            return
        mode, loc = self._explicit_mode
        if not mode:
            return
        self.data.service_mode = mode
        if mode != ServiceMode.OFFLINE and not online:
            self.error(loc, _("mức độ trực tuyến cần kênh trực tuyến (KENH 2) trong CACHTHUCTHUCHIEN"))
        if mode == ServiceMode.OFFLINE and online:
            self.error(loc, _("mức độ “offline” mâu thuẫn với kênh trực tuyến (KENH 2) trong CACHTHUCTHUCHIEN"))

    def _documents(self) -> None:
        for group_loc, group in self.items(self.record, "THANHPHANHOSO", self.root):
            case_group = self.read(group, "TRUONGHOP", group_loc, values.text, "")[:1000]
            for loc, doc in self.items(group, "GIAYTO", group_loc):
                template_name = self.read(doc, "TENMAUDON", loc, values.text, "")[:500]
                self.data.documents.append(
                    DocumentData(
                        case_group=case_group,
                        code=self.read(doc, "MAGIAYTO", loc, values.text, "")[:60],
                        name=self.required(doc, "TENGIAYTO", loc),
                        originals=self.read(doc, "SOBANCHINH", loc, values.count, 0),
                        copies=self.read(doc, "SOBANSAO", loc, values.count, 0),
                        template_name=template_name,
                        template_url=self.read(doc, "URL", loc, values.text, "")[:1000],
                        e_form=self.data.has_e_form and bool(template_name),
                    )
                )

    def _legal_bases(self) -> None:
        for loc, item in self.items(self.record, "CANCUPHAPLY", self.root):
            basis = LegalBasisData(
                number=self.read(item, "SOVANBAN", loc, values.text, "")[:100],
                title=self.read(item, "TENVANBAN", loc, values.text, ""),
                issued_on=self.read(item, "NGAYBANHANH", loc, values.date, None),
                issuer=self.read(item, "COQUANBANHANH", loc, values.text, "")[:300],
            )
            if not basis.number and not basis.title:
                self.error(loc.key("SOVANBAN"), _("cần số hiệu hoặc tên văn bản"), "required")
            self.data.legal_bases.append(basis)


def merge_fees(rows: list[tuple[str, FeeData]], channels: list[str]) -> list[FeeData]:
    """One fee line per distinct fee; a line found on every channel applies to all of them."""
    seen: dict[tuple[Any, ...], set[str]] = {}
    order: list[tuple[tuple[Any, ...], FeeData]] = []
    for channel, fee in rows:
        key = (fee.code, fee.name, fee.kind, fee.amount, fee.exemption_text)
        if key not in seen:
            seen[key] = set()
            order.append((key, fee))
        seen[key].add(channel)
    merged = []
    for key, fee in order:
        used = seen[key]
        if used >= set(channels):
            merged.append(fee)
            continue
        for channel in [c for c in channels if c in used]:
            merged.append(FeeData(**{**asdict(fee), "channel": channel}))
    return merged


def map_record(row: int, record: Any) -> tuple[ProcedureData | None, list[FieldError]]:
    """Validate and map one record; returns (data or None, errors)."""
    if not isinstance(record, dict):
        return None, [FieldError(row=row, field="", code="invalid", message=_("cần một đối tượng thủ tục"))]
    mapper = Mapper(row, record)
    data = mapper.run()
    return data, mapper.errors
