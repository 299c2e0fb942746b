"""Background work on django-tasks: e-mail after commit, background jobs with progress and
retries, and the one scheduler of the registry's periodic jobs.

* `email_send` — the e-mail copy of a notification (core.notifications enqueues it on commit).
* `job_enqueue(*, actor, kind, params)` — a `BackgroundJob` row (what the job page shows) and,
  after commit, the task `run_background_job(job.pk)`, which runs the kind registered with
  `registry.job_kind(kind, run, label=…)`. `run(job)` gets a `JobContext` (params, owner,
  `progress(done, total)`, `save_file(name, data)`). An unexpected exception is retried
  (settings.JOBS_MAX_ATTEMPTS in all, waiting JOBS_RETRY_BACKOFF_SECONDS × 2^(attempt-1)), then
  the job is failed with its error; a domain error (e.g. a refused import) fails it at once.
* `scheduler_tick()` — claims each due periodic job in the database (one conditional UPDATE, so
  of any number of workers exactly one wins a run) and enqueues it as a job of kind "periodic".

Core imports no domain app: kinds and periodic jobs come from the registry.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from nesta.core.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied, ServiceUnavailable
from nesta.core.models import BackgroundJob, PeriodicSchedule
from nesta.core.permissions import Role, grants_of
from nesta.core.registry import JobKind, registry
from nesta.core.transactions import write_transaction

log = logging.getLogger(__name__)

PERIODIC_KIND = "periodic"
REINDEX_KIND = "search.reindex"
Status = BackgroundJob.Status


# --- e-mail -------------------------------------------------------------------------------------


@task()
def email_send(to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def email_enqueue_on_commit(*, to: list[str], subject: str, body: str) -> None:
    """Queue the mail once the surrounding transaction commits (never for a rolled-back write);
    a queue that cannot take it is logged, not raised: the write has already succeeded."""
    transaction.on_commit(lambda: email_send.enqueue(list(to), subject, body), robust=True)


# --- background jobs ----------------------------------------------------------------------------


@dataclass
class JobContext:
    """What a job's run function sees: its parameters and a way to report progress."""

    job: BackgroundJob
    _written_done: int = -1

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    @property
    def owner(self) -> Any:
        return self.job.owner

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Record progress; written about a hundred times over a run, not on every call."""
        job = self.job
        if total is not None:
            job.progress_total = total
        job.progress_done = done
        if message:
            job.message = message[:300]
        step = max(1, (job.progress_total or 100) // 100)
        first = self._written_done < 0
        if not first and done - self._written_done < step and done != job.progress_total and not message:
            return
        self._written_done = done
        BackgroundJob.objects.filter(pk=job.pk).update(
            progress_done=job.progress_done, progress_total=job.progress_total, message=job.message
        )

    def read_input(self) -> bytes:
        """The file given to job_enqueue(input_bytes=…)."""
        with default_storage.open(self.job.params["input"], "rb") as f:
            return f.read()

    def save_file(self, name: str, data: bytes) -> None:
        """The job's result file (an export, an error report), downloaded from the job page."""
        self.job.result_name = name[:200]
        self.job.result_file.save(name, ContentFile(data), save=False)


def _kind(kind: str) -> JobKind | None:
    builtin = {
        PERIODIC_KIND: JobKind(PERIODIC_KIND, _run_periodic, _("定时任务")),
        REINDEX_KIND: JobKind(REINDEX_KIND, _run_reindex, _("重建检索索引")),
    }
    return builtin.get(kind) or registry.job_kind_of(kind)


def job_kind_label(kind: str) -> Any:
    found = _kind(kind)
    return found.label if found else kind


def job_result_template(kind: str) -> str:
    """The app's template of a kind's outcome on the job page ("" for none)."""
    found = _kind(kind)
    return found.result_template if found else ""


def job_enqueue(
    *, actor: Any, kind: str, params: dict[str, Any] | None = None, input_bytes: bytes | None = None
) -> BackgroundJob:
    """Create the job and queue its run after commit. `actor` owns it (None: the system).
    `input_bytes` (an uploaded file) is kept in storage until the job is final."""
    if _kind(kind) is None:
        raise NotFound(_("未知的后台任务类型。"), details={"kind": kind})
    owner = actor if getattr(actor, "is_authenticated", False) else None
    params = dict(params or {})
    if input_bytes is not None:
        params["input"] = default_storage.save(f"jobs/input/{uuid.uuid4().hex}", ContentFile(input_bytes))
    job = BackgroundJob.objects.create(
        kind=kind, owner=owner, params=params, max_attempts=max(1, int(settings.JOBS_MAX_ATTEMPTS))
    )
    transaction.on_commit(lambda: _queue_run(job.pk, delay_seconds=0), robust=True)
    return job


def _queue_run(job_id: int, *, delay_seconds: int) -> None:
    backend = run_background_job.get_backend()
    if delay_seconds and backend.supports_defer:
        run_at = timezone.now() + timedelta(seconds=delay_seconds)
        run_background_job.using(run_after=run_at).enqueue(job_id)
    else:
        run_background_job.enqueue(job_id)


def retry_delay_seconds(attempt: int) -> int:
    """Exponential backoff after the attempt-th failure: B, 2B, 4B, … (B = JOBS_RETRY_BACKOFF_SECONDS)."""
    return int(settings.JOBS_RETRY_BACKOFF_SECONDS) * 2 ** max(0, attempt - 1)


@task()
def run_background_job(job_id: int) -> str:
    """Run one attempt of a job. Claims it first (queued → running), so a task delivered twice
    runs once."""
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, attempts=F("attempts") + 1, started_at=now
    )
    if not claimed:
        return "skipped"
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    kind = _kind(job.kind)
    ctx = JobContext(job)
    try:
        if kind is None:
            raise DomainError(_("未知的后台任务类型。"), details={"kind": job.kind})
        result = kind.run(ctx)
    except DomainError as exc:
        # A refusal (invalid file, no permission) is the answer, not a fault: no retry.
        _finish(job, Status.FAILED, error=str(exc.message), result={"code": exc.code, "details": exc.details})
        return "failed"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if job.attempts < job.max_attempts:
            delay = retry_delay_seconds(job.attempts)
            log.warning("job %s (%s) attempt %s failed, retry in %ss: %s", job.pk, job.kind, job.attempts, delay, error)
            BackgroundJob.objects.filter(pk=job.pk).update(status=Status.QUEUED, error=error)
            _queue_run(job.pk, delay_seconds=delay)
            return "retrying"
        log.exception("job %s (%s) failed after %s attempts", job.pk, job.kind, job.attempts)
        _finish(job, Status.FAILED, error=error)
        return "failed"
    _finish(job, Status.SUCCEEDED, result=result if isinstance(result, dict) else {"summary": str(result)})
    return "succeeded"


def _finish(job: BackgroundJob, status: str, *, error: str = "", result: dict | None = None) -> None:
    if job.params.get("input"):
        default_storage.delete(job.params["input"])  # the upload is no longer needed
    job.status = status
    job.error = error
    job.result = result or {}
    job.finished_at = timezone.now()
    if status == Status.SUCCEEDED and job.progress_total is not None:
        job.progress_done = job.progress_total
    job.save(
        update_fields=[
            "status",
            "error",
            "result",
            "finished_at",
            "progress_done",
            "progress_total",
            "message",
            "result_file",
            "result_name",
        ]
    )


def _run_reindex(job: JobContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for search_type in registry.search_types():
        counts[search_type.doc_type] = search_type.reindex(
            progress=lambda done, t=search_type.doc_type: job.progress(done, message=str(t))
        )
    return counts


def _run_periodic(job: JobContext) -> dict[str, str]:
    name = job.params.get("name", "")
    found = {j.name: j for j in registry.periodic_jobs()}.get(name)
    if found is None:
        raise DomainError(_("未注册的定时任务。"), details={"name": name})
    return {"summary": str(found.run())}


# --- the periodic scheduler ---------------------------------------------------------------------


def periodic_claim_due(*, now: datetime | None = None, worker_id: str = "") -> list[str]:
    """The names of the periodic jobs this caller won for this run. A run is claimed by moving
    next_run_at past `now` in one conditional UPDATE: whoever updates the row first wins; any
    other claimer (another worker process) then finds it not due and updates nothing."""
    now = now or timezone.now()
    jobs = registry.periodic_jobs()
    if not jobs:
        return []
    known = set(PeriodicSchedule.objects.filter(name__in=[j.name for j in jobs]).values_list("name", flat=True))
    missing = [PeriodicSchedule(name=j.name, next_run_at=now) for j in jobs if j.name not in known]
    if missing:
        with write_transaction():
            PeriodicSchedule.objects.bulk_create(missing, ignore_conflicts=True)
    # Read first (no lock): only what looks due is claimed, so an idle tick takes no write lock.
    due = set(
        PeriodicSchedule.objects.filter(name__in=[j.name for j in jobs], next_run_at__lte=now).values_list(
            "name", flat=True
        )
    )
    claimed = []
    for j in jobs:
        if j.name not in due:
            continue
        with write_transaction():
            won = PeriodicSchedule.objects.filter(name=j.name, next_run_at__lte=now).update(
                next_run_at=now + timedelta(seconds=j.every_seconds), last_run_at=now, last_claimed_by=worker_id[:64]
            )
        if won:
            claimed.append(j.name)
    return claimed


def scheduler_tick(*, now: datetime | None = None, worker_id: str = "") -> list[BackgroundJob]:
    """Enqueue every periodic job that is due and that this worker claimed."""
    try:
        names = periodic_claim_due(now=now, worker_id=worker_id)
    except ServiceUnavailable:
        return []  # the database is busy: the next tick claims what is still due
    return [job_enqueue(actor=None, kind=PERIODIC_KIND, params={"name": name}) for name in names]


# --- reading a job ------------------------------------------------------------------------------


def job_visible_to(user: Any, job: BackgroundJob) -> bool:
    """The owner sees a job, and the office (which also sees the system's periodic jobs)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if job.owner_id is not None and job.owner_id == user.pk:
        return True
    return any(g.role == Role.OFFICE for g in grants_of(user))


def job_get(*, user: Any, job_id: int) -> BackgroundJob:
    """The job, if `user` may see it: anonymous → 401, someone else's → 403, none → 404."""
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("未找到该后台任务。"))
    if not job_visible_to(user, job):
        raise PermissionDenied(details={"action": "job.view"})
    return job


# --- housekeeping -------------------------------------------------------------------------------


def jobs_prune(now: datetime | None = None) -> dict[str, int]:
    """The periodic job "core.jobs_prune": forget finished jobs (and their files) and finished
    task results older than settings.JOBS_KEEP_DAYS, so the queue tables do not grow forever."""
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - timedelta(days=int(settings.JOBS_KEEP_DAYS))
    old = BackgroundJob.objects.filter(status__in=[Status.SUCCEEDED, Status.FAILED], finished_at__lt=cutoff)
    files = [name for name in old.exclude(result_file="").values_list("result_file", flat=True)]
    with write_transaction():
        jobs, _by_model = old.delete()
        results, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    for name in files:
        default_storage.delete(name)
    return {"jobs": jobs, "task_results": results}
