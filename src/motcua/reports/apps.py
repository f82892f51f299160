from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    label = "reports"
    verbose_name = _("Báo cáo, chỉ số")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from motcua.dossiers.models import DossierEvent
        from motcua.reports.facts import on_event

        # Report facts are written in the transaction of each dossier event (RPT-PER-06).
        post_save.connect(on_event, sender=DossierEvent, dispatch_uid="reports.facts.on_event")
