"""Warn owners of certificates that expire within 30 days (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from motcua.signing.registry import EXPIRY_WARNING_DAYS, warn_expiring


class Command(BaseCommand):
    help = "Gửi cảnh báo chứng thư số sắp hết hạn qua hộp thư đi thông báo."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=EXPIRY_WARNING_DAYS)

    def handle(self, *args, days: int, **options):
        count = warn_expiring(days=days)
        if options["verbosity"]:
            self.stdout.write(f"{count} cảnh báo đã đưa vào hộp thư đi.")
