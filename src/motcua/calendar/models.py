"""Calendar overrides and per-agency office settings (CAL-04, CAL-05).

Public holidays come from the `holidays` package; these rows add to or correct it. Every write
goes through the ORM (admin, seeding) so it is audited and bumps `CalendarVersion`, which tells
every process that its cached calendars are stale (see services.py).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.calendar import engine
from motcua.core.signals import audited

WEEKDAY_CHOICES = [
    (0, _("Thứ Hai")),
    (1, _("Thứ Ba")),
    (2, _("Thứ Tư")),
    (3, _("Thứ Năm")),
    (4, _("Thứ Sáu")),
    (5, _("Thứ Bảy")),
    (6, _("Chủ nhật")),
]


def default_weekdays() -> list[int]:
    return sorted(engine.DEFAULT_WEEKDAYS)


def _hours_between(start: time, end: time) -> Decimal:
    seconds = (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60 + end.second - start.second
    return Decimal(seconds) / 3600


class EntryKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày nghỉ lễ, Tết")
    COMPENSATORY_OFF = "compensatory_off", _("Ngày nghỉ bù")
    MAKEUP_WORKDAY = "makeup_workday", _("Ngày làm bù")
    LOCAL_DAY_OFF = "local_day_off", _("Ngày nghỉ riêng của địa phương, cơ quan")


class DueTime(models.TextChoices):
    END_OF_OFFICE = "end_of_office", _("Cuối giờ làm việc của ngày hẹn trả")
    SAME_TIME = "same_time_as_acceptance", _("Cùng giờ với thời điểm tiếp nhận")


@audited
class CalendarEntry(models.Model):
    """One date that differs from the weekly pattern and the national holiday table."""

    date = models.DateField(_("ngày"))
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=EntryKind.choices)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_entries",
        help_text=_("Để trống: áp dụng cho toàn tỉnh."),
    )
    source = models.CharField(
        _("văn bản căn cứ"), max_length=300, blank=True, help_text=_("Ví dụ: Thông báo 6150/TB-BLĐTBXH.")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày trong lịch làm việc")
        verbose_name_plural = _("lịch nghỉ lễ, nghỉ bù, làm bù")
        ordering = ["-date", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(agency__isnull=True),
                name="calendar_entry_one_per_date_province",
                violation_error_message=_("Ngày này đã được khai báo trong lịch toàn tỉnh."),
            ),
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=Q(agency__isnull=False),
                name="calendar_entry_one_per_date_agency",
                violation_error_message=_("Ngày này đã được khai báo trong lịch của cơ quan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.name}"

    def clean(self) -> None:
        from motcua.calendar.services import is_base_working_day  # services imports this module

        if (
            self.kind == EntryKind.MAKEUP_WORKDAY
            and self.date
            and is_base_working_day(self.date, self.agency_id, exclude_pk=self.pk)
        ):
            raise ValidationError(
                {
                    "date": _(
                        "Ngày %(date)s vốn đã là ngày làm việc; chỉ khai báo ngày làm bù cho ngày nghỉ "
                        "(thứ Bảy, Chủ nhật hoặc ngày lễ)."
                    )
                    % {"date": f"{self.date:%d/%m/%Y}"}
                }
            )


@audited
class AgencyCalendarSettings(models.Model):
    """Office hours and counting options of one agency; agencies without a row use the defaults."""

    agency = models.OneToOneField(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="calendar_settings",
    )
    working_weekdays = models.JSONField(
        _("ngày làm việc trong tuần"), default=default_weekdays, help_text=_("0 = Thứ Hai … 6 = Chủ nhật.")
    )
    morning_start = models.TimeField(_("sáng bắt đầu"), default=time(7, 30))
    morning_end = models.TimeField(_("sáng kết thúc"), default=time(11, 30))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), default=time(13, 0))
    afternoon_end = models.TimeField(_("chiều kết thúc"), default=time(17, 0))
    cutoff_enabled = models.BooleanField(
        _("áp dụng giờ chốt chuyển hồ sơ"),
        default=True,
        help_text=_("Hồ sơ tiếp nhận sau giờ chốt được chuyển vào đầu ngày làm việc tiếp theo."),
    )
    cutoff_time = models.TimeField(_("giờ chốt"), default=time(15, 0))
    due_time = models.CharField(_("giờ hẹn trả"), max_length=30, choices=DueTime.choices, default=DueTime.END_OF_OFFICE)
    hours_per_day = models.DecimalField(
        _("số giờ làm việc một ngày"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(8),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal(24))],
    )
    due_soon_hours = models.DecimalField(
        _("cảnh báo sắp đến hạn trước (giờ làm việc)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(8),
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cấu hình lịch làm việc của cơ quan")
        verbose_name_plural = _("cấu hình lịch làm việc của cơ quan")
        ordering = ["agency"]

    def __str__(self) -> str:
        return str(self.agency)

    @property
    def shifts(self) -> tuple[tuple[time, time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        weekdays = self.working_weekdays
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekdays)
        ):
            errors["working_weekdays"] = _("Chọn ít nhất một ngày làm việc trong tuần (0 = Thứ Hai … 6 = Chủ nhật).")
        else:
            self.working_weekdays = sorted(set(weekdays))
        if None in (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end):
            # clean_fields() already reports the missing times; compare only complete shifts.
            if errors:
                raise ValidationError(errors)
            return
        if self.morning_end <= self.morning_start:
            errors["morning_end"] = _("Giờ kết thúc buổi sáng phải sau giờ bắt đầu.")
        if self.afternoon_end <= self.afternoon_start:
            errors["afternoon_end"] = _("Giờ kết thúc buổi chiều phải sau giờ bắt đầu.")
        if self.afternoon_start < self.morning_end:
            errors["afternoon_start"] = _("Buổi chiều phải bắt đầu sau khi buổi sáng kết thúc.")
        if not errors and self.hours_per_day is not None:
            shift_hours = sum((_hours_between(s, e) for s, e in self.shifts), Decimal(0))
            if self.hours_per_day > shift_hours:
                errors["hours_per_day"] = _(
                    "Số giờ làm việc một ngày (%(hours)s) vượt quá tổng thời gian các buổi làm việc (%(shift)s giờ)."
                ) % {"hours": self.hours_per_day, "shift": shift_hours.normalize()}
        if errors:
            raise ValidationError(errors)


class CalendarVersion(models.Model):
    """A single row whose token changes on every calendar write (cache invalidation across processes).

    A random token rather than a counter: a rolled-back bump can never be mistaken for a later,
    committed one.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("phiên bản lịch")
        verbose_name_plural = _("phiên bản lịch")
        default_permissions = ()

    def __str__(self) -> str:
        return self.token
