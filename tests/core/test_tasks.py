"""Background work: jobs enqueued on the database queue and run by the worker (in-process, the
real django-tasks-db worker code), progress, retries then failure, the periodic scheduler that
claims each run once across concurrent claimers, and who sees a job."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from nesta.core.errors import ValidationFailed
from nesta.core.models import BackgroundJob, PeriodicSchedule
from nesta.core.notifications import notify
from nesta.core.registry import registry
from nesta.core.tasks import (
    PERIODIC_KIND,
    job_enqueue,
    periodic_claim_due,
    retry_delay_seconds,
    scheduler_tick,
)
from tests.factories import UserFactory, grant

Status = BackgroundJob.Status
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
calls: list[str] = []


def _count(job):
    n = job.params["n"]
    for i in range(1, n + 1):
        job.progress(i, n)
    job.save_file("结果.csv", b"n\n%d\n" % n)
    return {"counted": n}


def _always_fails(job):
    calls.append("fail")
    raise RuntimeError("the disk is full")


def _fails_once(job):
    calls.append("flaky")
    if job.job.attempts == 1:
        raise RuntimeError("transient")
    return {"ok": True}


def _refused(job):
    calls.append("refused")
    raise ValidationFailed(details={"row 2": ["名称不能为空"]})


def _watch_progress(job):
    seen = []
    for i in range(1, 1001):
        job.progress(i, 1000)
        if i in (1, 10, 500, 1000):
            seen.append(BackgroundJob.objects.get(pk=job.job.pk).progress_done)
    return {"seen": seen}


@pytest.fixture(autouse=True)
def kinds():
    calls.clear()
    registry.job_kind("test.count", _count, label="count")
    registry.job_kind("test.fail", _always_fails, label="fail")
    registry.job_kind("test.flaky", _fails_once, label="flaky")
    registry.job_kind("test.refused", _refused, label="refused")
    registry.job_kind("test.progress", _watch_progress, label="progress")
    yield
    for kind in ("test.count", "test.fail", "test.flaky", "test.refused", "test.progress"):
        registry._job_kinds.pop(kind, None)


@pytest.fixture
def queue(settings, transactional_db, tmp_path):
    """The database backend, drained by `manage.py run_worker --once` (the worker's code)."""
    settings.TASKS = DB_QUEUE
    settings.JOBS_RETRY_BACKOFF_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path


def run_worker():
    call_command("run_worker", once=True, no_scheduler=True, stdout=open("/dev/null", "w"))


def test_enqueue_then_the_worker_runs_it_with_its_result(queue):
    owner = UserFactory()
    job = job_enqueue(actor=owner, kind="test.count", params={"n": 7})
    assert job.status == Status.QUEUED
    assert DBTaskResult.objects.filter(task_path="nesta.core.tasks.run_background_job").count() == 1
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert job.result == {"counted": 7}
    assert (job.progress_done, job.progress_total, job.percent) == (7, 7, 100)
    assert job.attempts == 1 and job.owner == owner and job.finished_at is not None
    assert job.result_name == "结果.csv" and job.result_file.read() == b"n\n7\n"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failing_job_is_retried_then_failed_with_its_error(queue, settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    job = job_enqueue(actor=None, kind="test.fail")
    run_worker()
    job.refresh_from_db()
    assert calls == ["fail", "fail", "fail"]
    assert job.status == Status.FAILED and job.attempts == 3
    assert job.error == "RuntimeError: the disk is full"


def test_a_transient_failure_is_retried_and_then_succeeds(queue):
    job = job_enqueue(actor=None, kind="test.flaky")
    run_worker()
    job.refresh_from_db()
    assert calls == ["flaky", "flaky"]
    assert job.status == Status.SUCCEEDED and job.attempts == 2 and job.result == {"ok": True}


def test_the_retry_waits_with_exponential_backoff(queue, settings):
    settings.JOBS_RETRY_BACKOFF_SECONDS = 30
    assert [retry_delay_seconds(a) for a in (1, 2, 3)] == [30, 60, 120]
    job = job_enqueue(actor=None, kind="test.fail")
    before = timezone.now()
    run_worker()
    job.refresh_from_db()
    # one attempt ran; the next waits in the queue until its time
    assert calls == ["fail"] and job.status == Status.QUEUED and job.attempts == 1
    assert job.error == "RuntimeError: the disk is full"
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.run_after >= before + timedelta(seconds=30)


def test_a_refusal_fails_at_once_without_retry(queue):
    job = job_enqueue(actor=None, kind="test.refused")
    run_worker()
    job.refresh_from_db()
    assert calls == ["refused"]
    assert job.status == Status.FAILED and job.attempts == 1
    assert job.result == {"code": "validation_error", "details": {"row 2": ["名称不能为空"]}}


def test_progress_is_visible_while_the_job_runs_and_written_about_a_hundred_times(queue):
    job = job_enqueue(actor=None, kind="test.progress")
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    seen = job.result["seen"]
    # the first and the last step are written; in between every 10th of 1000 (never behind by more)
    assert seen[0] == 1 and seen[3] == 1000
    assert seen[1] in (1, 10) and 490 < seen[2] <= 500


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(queue):
    from nesta.core.tasks import run_background_job

    job = job_enqueue(actor=None, kind="test.flaky")
    BackgroundJob.objects.filter(pk=job.pk).update(status=Status.SUCCEEDED)
    assert run_background_job.call(job.pk) == "skipped"
    assert calls == []


def test_immediate_backend_runs_the_same_code_on_commit(db, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(actor=None, kind="test.count", params={"n": 3})
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED and job.result == {"counted": 3}


def test_the_email_copy_of_a_notification_is_a_task_after_commit(queue):
    user = UserFactory(email="reader@example.cn")
    notify(user=user, kind="test", title="预约已确认", body="明天 10:00", url="/instruments/1/")
    assert mail.outbox == []  # queued, not sent by the request
    task = DBTaskResult.objects.get(task_path="nesta.core.tasks.email_send")
    assert task.args_kwargs["args"][0] == ["reader@example.cn"]
    run_worker()
    assert [m.subject for m in mail.outbox] == ["预约已确认"]
    assert "明天 10:00" in mail.outbox[0].body and "/instruments/1/" in mail.outbox[0].body


def test_no_mail_when_the_write_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = UserFactory(email="reader@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(user=user, kind="test", title="x")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == []


# --- periodic jobs -------------------------------------------------------------------------------


@pytest.fixture
def periodic():
    ran: list[object] = []
    registry.periodic_job("test.every_minute", lambda now=None: ran.append(now) or "1 thing", every_seconds=60)
    yield ran
    registry._jobs.pop("test.every_minute", None)


def test_instruments_tick_is_a_registered_periodic_job():
    jobs = {j.name: j for j in registry.periodic_jobs()}
    assert "instruments.tick" in jobs and jobs["instruments.tick"].every_seconds > 0


def test_a_due_job_is_claimed_once_per_period(db, periodic):
    now = timezone.now()
    assert "test.every_minute" in periodic_claim_due(now=now, worker_id="a")
    assert "test.every_minute" not in periodic_claim_due(now=now, worker_id="b")
    assert "test.every_minute" not in periodic_claim_due(now=now + timedelta(seconds=59), worker_id="b")
    assert "test.every_minute" in periodic_claim_due(now=now + timedelta(seconds=60), worker_id="b")
    row = PeriodicSchedule.objects.get(name="test.every_minute")
    assert row.last_claimed_by == "b" and row.next_run_at == now + timedelta(seconds=120)


def test_two_concurrent_claimers_run_a_due_job_once(transactional_db, periodic):
    """Each claimer has its own connection (as two worker processes would); on PostgreSQL the
    UPDATEs really race, on SQLite the write lock orders them — either way one wins."""
    now = timezone.now()
    for rounds in range(3):
        at = now + timedelta(seconds=60 * rounds)
        barrier = threading.Barrier(2)

        def claim(worker_id, at=at, barrier=barrier):
            try:
                barrier.wait(timeout=30)
                return "test.every_minute" in periodic_claim_due(now=at, worker_id=worker_id)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            won = list(pool.map(claim, ["w1", "w2"]))
        assert sorted(won) == [False, True], (rounds, won)


def test_the_scheduler_runs_the_periodic_job_through_the_worker(queue, periodic):
    call_command("run_worker", once=True, stdout=open("/dev/null", "w"))
    assert len(periodic) == 1
    job = BackgroundJob.objects.get(kind=PERIODIC_KIND, params__name="test.every_minute")
    assert job.status == Status.SUCCEEDED and job.result == {"summary": "1 thing"} and job.owner is None
    # another worker in the same minute finds nothing due, and runs nothing more
    assert scheduler_tick(worker_id="other") == []
    call_command("run_worker", once=True, stdout=open("/dev/null", "w"))
    assert len(periodic) == 1


# --- who sees a job -------------------------------------------------------------------------------


@pytest.fixture
def jobs(db):
    owner, other = UserFactory(username="job_owner"), UserFactory(username="job_other")
    office = grant(UserFactory(username="job_office"), "office")
    job = BackgroundJob.objects.create(kind="test.count", owner=owner, progress_done=3, progress_total=10)
    return {"owner": owner, "other": other, "office": office, "job": job}


def _client(user=None):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user:
        c.force_login(user)
    return c


@pytest.mark.parametrize(("who", "page", "api"), [("owner", 200, 200), ("office", 200, 200), ("other", 403, 403)])
def test_only_the_owner_and_the_office_see_a_job(jobs, who, page, api):
    job = jobs["job"]
    c = _client(jobs[who])
    r = c.get(f"/jobs/{job.pk}/")
    assert r.status_code == page
    r = c.get(f"/api/v1/jobs/{job.pk}")
    assert r.status_code == api
    if api == 200:
        body = r.json()
        assert body["status"] == "queued" and body["percent"] == 30 and body["page_url"] == f"/jobs/{job.pk}/"
    else:
        assert r.json()["code"] == "permission_denied"


def test_anonymous_callers_are_sent_to_login_or_get_401(jobs):
    job = jobs["job"]
    r = _client().get(f"/jobs/{job.pk}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    r = _client().get(f"/api/v1/jobs/{job.pk}")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_missing_and_absurd_job_ids(jobs):
    c = _client(jobs["owner"])
    assert c.get("/api/v1/jobs/999999").status_code == 404
    assert c.get("/api/v1/jobs/99999999999999999999").status_code == 422
    assert c.get("/jobs/999999/").status_code == 404


def test_the_job_page_polls_until_final_then_shows_the_error(jobs):
    job = jobs["job"]
    c = _client(jobs["owner"])
    r = c.get(f"/jobs/{job.pk}/")
    html = r.content.decode()
    assert 'hx-trigger="every 2s"' in html and "30%" in html
    assert "<script>" not in html.split("</main>")[0]  # no inline script (CSP)
    r = c.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert r.templates[0].name == "core/_job_status.html"
    BackgroundJob.objects.filter(pk=job.pk).update(status=Status.FAILED, attempts=3, error="RuntimeError: boom")
    html = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "every 2s" not in html
    assert "RuntimeError: boom" in html and 'data-status="failed"' in html


def test_the_result_file_is_downloaded_by_the_owner_only(jobs, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    job = jobs["job"]
    job.result_file.save("export.xlsx", ContentFile(b"PK-data"), save=False)
    job.result_name = "仪器导出.xlsx"
    job.status = Status.SUCCEEDED
    job.save()
    r = _client(jobs["owner"]).get(f"/jobs/{job.pk}/download/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"PK-data"
    assert "filename*=UTF-8''%E4%BB%AA" in r["Content-Disposition"]
    assert _client(jobs["other"]).get(f"/jobs/{job.pk}/download/").status_code == 403
    assert _client(jobs["owner"]).get(f"/api/v1/jobs/{job.pk}").json()["download_url"] == f"/jobs/{job.pk}/download/"


def test_reindex_can_run_as_a_job(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reindex", enqueue=True, stdout=open("/dev/null", "w"))
    job = BackgroundJob.objects.get(kind="search.reindex")
    assert job.status == Status.SUCCEEDED and job.owner is None
    assert set(job.result) == {t.doc_type for t in registry.search_types()} and job.result


def test_old_finished_jobs_and_task_results_are_pruned(queue, settings):
    from nesta.core.tasks import jobs_prune

    settings.JOBS_KEEP_DAYS = 14
    assert "core.jobs_prune" in {j.name for j in registry.periodic_jobs()}
    old = job_enqueue(actor=None, kind="test.count", params={"n": 1})
    new = job_enqueue(actor=None, kind="test.count", params={"n": 1})
    waiting = job_enqueue(actor=None, kind="test.count", params={"n": 1})
    run_worker()
    long_ago = timezone.now() - timedelta(days=15)
    BackgroundJob.objects.filter(pk=old.pk).update(finished_at=long_ago)
    BackgroundJob.objects.filter(pk=waiting.pk).update(status=Status.QUEUED, finished_at=long_ago)
    DBTaskResult.objects.update(finished_at=long_ago)
    path = BackgroundJob.objects.get(pk=old.pk).result_file.name
    assert jobs_prune() == {"jobs": 1, "task_results": 3}
    assert set(BackgroundJob.objects.values_list("pk", flat=True)) == {new.pk, waiting.pk}
    from django.core.files.storage import default_storage

    assert not default_storage.exists(path)
