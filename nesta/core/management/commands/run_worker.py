"""The background worker `make run` starts beside gunicorn: it runs the registry's periodic jobs
when they are due (claimed in the database, so any number of workers run each once) and drains
the django-tasks database queue (django-tasks-db's worker)."""

import time

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from nesta.core.tasks import scheduler_tick


class Command(BaseCommand):
    help = "Run due periodic jobs and the queued background tasks; --once does one round and exits."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds when idle")
        parser.add_argument("--once", action="store_true", help="one scheduler tick, drain the queue, exit")
        parser.add_argument("--no-scheduler", action="store_true", help="only run queued tasks")
        parser.add_argument("--worker-id", default="", help="unique per worker (default: random)")

    def handle(self, *args, interval: float, once: bool, no_scheduler: bool, worker_id: str, **options):
        worker_id = worker_id or get_random_string(24)
        drains = isinstance(task_backends["default"], DatabaseBackend)
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,  # run() returns when nothing is ready; this loop then ticks the scheduler
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if not once:
            # SIGTERM/SIGINT: finish the running task, then exit (gunicorn's trap sends TERM)
            worker.configure_signals()
            self.stdout.write(f"worker {worker_id}: periodic jobs {'off' if no_scheduler else 'on'}")
        while True:
            if not no_scheduler:
                for job in scheduler_tick(worker_id=worker_id):
                    self.stdout.write(f"  due: {job.params.get('name')} → job {job.pk}")
            # Look before claiming: the worker's claim is an exclusive transaction, which an idle
            # poll every second should not take from the site's writers (SQLite has one lock).
            if drains and DBTaskResult.objects.ready().filter(backend_name="default").exists():
                worker.run()
            if once or not worker.running:
                return
            time.sleep(interval)
