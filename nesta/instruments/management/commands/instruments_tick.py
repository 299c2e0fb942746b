"""Periodic housekeeping of the instrument network (run every few minutes from cron/systemd)."""

from django.core.management.base import BaseCommand

from nesta.instruments.services import bookings_mark_no_shows, bookings_send_reminders
from nesta.instruments.services.fees import charges_post_pending


class Command(BaseCommand):
    help = "Mark bookings nobody checked into as no-shows; remind users of bookings soon; charge finished sessions."

    def handle(self, *args, **options):
        no_shows = bookings_mark_no_shows()
        reminded = bookings_send_reminders()
        charged = charges_post_pending()
        self.stdout.write(f"no-shows marked: {no_shows}; reminders sent: {reminded}; sessions charged: {charged}")
