"""Periodic housekeeping of the instrument network (run every few minutes from cron/systemd)."""

from django.core.management.base import BaseCommand

from nesta.instruments.services.tick import instruments_tick


class Command(BaseCommand):
    help = "Mark bookings nobody checked into as no-shows; remind users of bookings soon; charge finished sessions."

    def handle(self, *args, **options):
        # the same work as the periodic job "instruments.tick" (registered in apps.py)
        n = instruments_tick()
        self.stdout.write(
            f"no-shows marked: {n['no_shows']}; reminders sent: {n['reminded']}; sessions charged: {n['charged']}"
        )
