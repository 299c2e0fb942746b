"""The instrument network's background jobs: a large XLSX export and an XLSX import run as
jobs (the same task code as on the worker, run on commit here), their results on the job."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from nesta.core.models import BackgroundJob
from nesta.core.tasks import job_enqueue
from nesta.instruments.models import Instrument
from nesta.instruments.services.xlsx import HEADERS
from tests.core.world import reference_loaded
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory, grant

Status = BackgroundJob.Status


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def world(reference_module, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = OrganizationFactory(name="大连理工大学", province_code="210000", city_code="210200")
    office = grant(UserFactory(username="jobs_office"), "office")
    return {"org": org, "office": office}


def run(django_capture_on_commit_callbacks, **kwargs) -> BackgroundJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(**kwargs)
    job.refresh_from_db()
    return job


def test_export_job_writes_the_workbook(world, django_capture_on_commit_callbacks):
    for i in range(3):
        InstrumentFactory(owner=world["org"], name=f"导出仪器{i}")
    job = run(django_capture_on_commit_callbacks, actor=world["office"], kind="instruments.export", params={})
    assert job.status == Status.SUCCEEDED and job.result["rows"] == 3
    assert job.result_name.startswith("仪器清单-") and job.result_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(job.result_file.read())).active
    assert [c.value for c in sheet[1]][: len(HEADERS)] == list(HEADERS)
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["导出仪器0", "导出仪器1", "导出仪器2"]


def test_import_job_round_trips_the_export(world, django_capture_on_commit_callbacks):
    InstrumentFactory(owner=world["org"], name="往返仪器")
    export = run(django_capture_on_commit_callbacks, actor=world["office"], kind="instruments.export", params={})
    content = export.result_file.read()
    job = run(django_capture_on_commit_callbacks, actor=world["office"], kind="instruments.import", input_bytes=content)
    assert job.status == Status.SUCCEEDED, job.error
    assert job.result["rows"] == 1 and len(job.result["created"]) == 1
    assert Instrument.objects.filter(name="往返仪器").count() == 2
    assert job.progress_done == job.progress_total == 1


def test_import_job_with_row_errors_fails_with_their_workbook_and_saves_nothing(
    world, django_capture_on_commit_callbacks
):
    wb = Workbook()
    wb.active.append(list(HEADERS))
    wb.active.append(["无单位的仪器"])
    out = io.BytesIO()
    wb.save(out)
    before = Instrument.objects.count()
    job = run(
        django_capture_on_commit_callbacks, actor=world["office"], kind="instruments.import", input_bytes=out.getvalue()
    )
    assert job.status == Status.FAILED and job.attempts == 1  # refused, not retried
    assert job.result["code"] == "import_failed" and job.result["details"]["rows"]
    assert job.result_name == "导入错误.xlsx"
    errors = load_workbook(io.BytesIO(job.result_file.read())).active
    assert errors.max_row >= 2
    assert Instrument.objects.count() == before
    assert "input" in job.params and not job.result_file.storage.exists(job.params["input"])


def test_import_job_needs_the_permission(world, django_capture_on_commit_callbacks):
    member = UserFactory(username="jobs_member")
    job = run(django_capture_on_commit_callbacks, actor=member, kind="instruments.import", input_bytes=b"x")
    assert job.status == Status.FAILED and job.result["code"] == "permission_denied"


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("仪器.xlsx", content, content_type="application/octet-stream")


def test_api_import_in_the_background_answers_202_with_the_job(world, django_capture_on_commit_callbacks):
    from django.test import Client

    InstrumentFactory(owner=world["org"], name="后台导入仪器")
    export = run(django_capture_on_commit_callbacks, actor=world["office"], kind="instruments.export", params={})
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(world["office"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/api/v1/instruments/import?background=true", {"file": _upload(export.result_file.read())})
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["page_url"] == f"/jobs/{body['job_id']}/" and body["api_url"] == f"/api/v1/jobs/{body['job_id']}"
    job = c.get(body["api_url"]).json()
    assert job["status"] == "succeeded" and len(job["result"]["created"]) == 1 and job["label"] == "导入仪器"
    assert Instrument.objects.filter(name="后台导入仪器").count() == 2


def test_api_background_import_is_refused_at_once_without_the_permission(world):
    from django.test import Client

    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(UserFactory(username="jobs_nobody"))
    r = c.post("/api/v1/instruments/import?background=true", {"file": _upload(b"PK")})
    assert r.status_code == 403 and not BackgroundJob.objects.exists()
