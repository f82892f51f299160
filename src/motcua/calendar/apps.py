from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "motcua.calendar"
    label = "work_calendar"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from motcua.calendar import services

        services.connect_signals()
