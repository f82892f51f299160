"""Web pages under /bao-cao/: the leaders' report and dashboard (signed-in officials) and the
public transparency page per agency (công khai, no personal data, embeddable)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from motcua.core.errors import DomainError, Forbidden, NotFound
from motcua.organizations.agencies import resolve_agency
from motcua.reports import charts, dashboard, evaluation, exports, index766, periodic
from motcua.reports.scope import descendants, report_scope

GROUP_CHOICES = [
    ("agency", gettext_lazy("Cơ quan")),
    ("level", gettext_lazy("Cấp")),
    ("sector", gettext_lazy("Lĩnh vực")),
    ("procedure", gettext_lazy("Thủ tục")),
]


class ReportForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(label=gettext_lazy("Nhóm theo"), choices=GROUP_CHOICES, initial="agency")
    agency = forms.CharField(label=gettext_lazy("Mã cơ quan"), required=False, max_length=40)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Ngày cuối kỳ phải không trước ngày đầu kỳ."))
        return data


def _defaults() -> dict[str, Any]:
    today = timezone.localdate()
    return {"start": today.replace(day=1), "end": today, "group_by": "agency", "agency": ""}


def _form(request: HttpRequest) -> ReportForm:
    return ReportForm(request.GET if "start" in request.GET else None, initial=_defaults())


def _report(request: HttpRequest, form: ReportForm) -> tuple[periodic.Report | None, str]:
    data = form.cleaned_data if form.is_bound and form.is_valid() else (_defaults() if not form.is_bound else None)
    if data is None:
        return None, ""
    try:
        ids, _agency = report_scope(request.user, data["agency"] or None)
        period = periodic.make_period(data["start"], data["end"])
        return periodic.periodic_report(period, group_by=data["group_by"], agency_ids=ids), ""
    except (Forbidden, NotFound) as exc:
        return None, exc.message
    except DomainError as exc:
        return None, exc.message


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """RPT-PER: the periodic report with every cell linked to the dossiers behind it."""
    form = _form(request)
    report, problem = _report(request, form)
    context: dict[str, Any] = {"form": form, "report": report, "problem": problem, "columns": periodic.COLUMNS}
    if report is not None:
        data = form.cleaned_data if form.is_bound else _defaults()
        context["query"] = urlencode(
            {"start": data["start"], "end": data["end"], "group_by": data["group_by"], "agency": data["agency"]}
        )
        context["table"] = [
            {"row": row, "cells": list(zip(periodic.COLUMNS, row.values, strict=True))}
            for row in [*report.rows, report.total]
        ]
    return render(request, "reports/report.html", context)


@login_required
@require_GET
def cell_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_bound or not form.is_valid():
        raise Http404
    data = form.cleaned_data
    column = request.GET.get("column", "")
    try:
        ids, _agency = report_scope(request.user, data["agency"] or None)
        period = periodic.make_period(data["start"], data["end"])
        count, items = periodic.cell_dossiers(
            period, column, group_by=data["group_by"], key=request.GET.get("key", ""), agency_ids=ids, limit=1000
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "reports/cell.html",
        {"column": periodic.COLUMN_BY_KEY[column], "count": count, "items": items, "period": period},
    )


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    form = _form(request)
    report, problem = _report(request, form)
    if report is None:
        raise PermissionDenied(problem) if problem else Http404
    stamp = f"{report.period.first:%Y%m%d}-{report.period.last:%Y%m%d}"
    if kind == "xlsx":
        body, mime = exports.to_xlsx(report), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, mime = exports.to_pdf(report), "application/pdf"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-tthc-{stamp}.{kind}"'
    return response


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


@login_required
@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")


def _series_context(ids: list[int] | None, months: int = 12) -> dict[str, Any]:
    points = dashboard.monthly_series(ids, timezone.localdate().replace(day=1), months)
    labels = [f"{p.month:%m/%y}" for p in points]
    return {
        "points": points,
        "on_time_chart": charts.bar_chart(
            _("Tỷ lệ giải quyết đúng hạn theo tháng"), labels, [p.on_time_rate for p in points]
        ),
        "online_chart": charts.bar_chart(
            _("Tỷ lệ hồ sơ trực tuyến theo tháng"), labels, [p.online_share for p in points]
        ),
        "full_chart": charts.bar_chart(
            _("Tỷ lệ hồ sơ trực tuyến toàn trình trong hồ sơ trực tuyến"), labels, [p.full_share for p in points]
        ),
        "payment_chart": charts.bar_chart(
            _("Tỷ lệ hồ sơ thanh toán trực tuyến theo tháng"), labels, [p.payment_share for p in points]
        ),
        "satisfaction_chart": charts.bar_chart(
            _("Tỷ lệ hài lòng theo tháng"), labels, [p.satisfaction_rate for p in points]
        ),
    }


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Leaders' dashboard: on-time rate and online share over 12 months, overdue by agency now."""
    from motcua.organizations.models import Agency

    try:
        ids, _agency = report_scope(request.user, None)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    overdue = dashboard.overdue_by_agency(ids)[:20]
    names = dict(Agency.objects.filter(pk__in=[row[0] for row in overdue]).values_list("pk", "name"))
    context = _series_context(ids)
    context["overdue"] = [(names.get(pk, pk), running, late) for pk, running, late in overdue]
    return render(request, "reports/dashboard.html", context)


class IndexForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("Tháng (ngày bất kỳ trong tháng)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    agency = forms.CharField(label=gettext_lazy("Mã cơ quan"), required=False, max_length=40)


@login_required
@require_GET
def index_page(request: HttpRequest) -> HttpResponse:
    """RPT-766 and RPT-T01: the month's QĐ 766 indicators (formula, inputs, rate, points) and the
    TT 01/2018 scores per agency and per official, for the agencies the user may see."""
    today = timezone.localdate()
    form = IndexForm(request.GET if "month" in request.GET else None, initial={"month": today, "agency": ""})
    context: dict[str, Any] = {"form": form}
    data = form.cleaned_data if form.is_bound and form.is_valid() else None
    if data is None and not form.is_bound:
        data = {"month": today, "agency": ""}
    if data is not None:
        try:
            ids, _agency = report_scope(request.user, data["agency"] or None)
        except (Forbidden, NotFound) as exc:
            context["problem"] = exc.message
        else:
            period = index766.month_period(data["month"])
            context.update(
                index=index766.index_766(period.first, ids),
                agencies=evaluation.agency_evaluations(period, ids),
                officials=evaluation.official_evaluations(period, ids),
                index_names=evaluation.INDEX_NAMES,
                officer_indices=evaluation.officer_indices(),
                period=period,
            )
    return render(request, "reports/index.html", context)


@xframe_options_exempt
@require_GET
def public_page(request: HttpRequest, agency_code: str) -> HttpResponse:
    """Công khai: one agency's figures this month and this year, counts only (no names, no codes
    of dossiers), embeddable in other sites (no X-Frame-Options)."""
    try:
        agency = resolve_agency(agency_code)
    except NotFound as exc:
        raise Http404 from exc
    ids = sorted(descendants({agency.pk}))
    today = timezone.localdate()
    month = periodic.periodic_report(periodic.Period(today.replace(day=1), today), agency_ids=ids)
    year = periodic.periodic_report(periodic.Period(date(today.year, 1, 1), today), agency_ids=ids)
    context = {"agency": agency, "month": month.total, "year": year.total, "today": today}
    context.update(_series_context(ids, 6))
    response = render(request, "reports/public.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response
