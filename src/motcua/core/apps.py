from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Hệ thống")

    def ready(self) -> None:
        from motcua.core import checks, signals  # noqa: F401  (registers checks and audit hooks)
