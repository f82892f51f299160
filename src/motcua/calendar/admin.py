"""Admin for calendar overrides and agency office settings (CAL-05). Saves go through the ORM: audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.calendar.models import WEEKDAY_CHOICES, AgencyCalendarSettings, CalendarEntry


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarEntry.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    title = _("phạm vi")
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("province", _("Toàn tỉnh")), ("agency", _("Riêng cơ quan"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "province":
            return queryset.filter(agency__isnull=True)
        if self.value() == "agency":
            return queryset.filter(agency__isnull=False)
        return queryset


@admin.register(CalendarEntry)
class CalendarEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "name", "kind", "agency", "source"]
    list_filter = [YearFilter, "kind", ScopeFilter, ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "source", "note", "agency__code", "agency__name"]
    date_hierarchy = "date"
    raw_id_fields = ["agency"]
    list_select_related = ["agency"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["date", "kind", "name", "agency"]}),
        (_("Căn cứ"), {"fields": ["source", "note", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, obj: CalendarEntry) -> str:
        return str(dict(WEEKDAY_CHOICES)[obj.date.weekday()])


class AgencyCalendarSettingsForm(forms.ModelForm):
    working_weekdays = forms.TypedMultipleChoiceField(
        label=_("ngày làm việc trong tuần"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AgencyCalendarSettings
        fields = [
            "agency",
            "working_weekdays",
            "morning_start",
            "morning_end",
            "afternoon_start",
            "afternoon_end",
            "cutoff_enabled",
            "cutoff_time",
            "due_time",
            "hours_per_day",
            "due_soon_hours",
        ]


@admin.register(AgencyCalendarSettings)
class AgencyCalendarSettingsAdmin(admin.ModelAdmin):
    form = AgencyCalendarSettingsForm
    list_display = [
        "agency",
        "office_hours",
        "cutoff_enabled",
        "cutoff_time",
        "due_time",
        "hours_per_day",
        "due_soon_hours",
    ]
    list_filter = ["cutoff_enabled", "due_time"]
    search_fields = ["agency__code", "agency__name"]
    raw_id_fields = ["agency"]
    list_select_related = ["agency"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["agency", "working_weekdays"]}),
        (_("Giờ hành chính"), {"fields": [("morning_start", "morning_end"), ("afternoon_start", "afternoon_end")]}),
        (
            _("Cách tính hạn"),
            {"fields": ["cutoff_enabled", "cutoff_time", "due_time", "hours_per_day", "due_soon_hours"]},
        ),
        (_("Lịch sử"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("giờ làm việc"))
    def office_hours(self, obj: AgencyCalendarSettings) -> str:
        return " – ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in obj.shifts)
