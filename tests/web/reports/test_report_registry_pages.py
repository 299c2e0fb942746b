"""The registry's XLSX export and import (仪器批量导入导出) on the web: the permission matrix, what each
role may export, the background import job with its row errors and progress."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from nesta.core.models import BackgroundJob
from nesta.instruments.models import Instrument
from nesta.instruments.services.xlsx import HEADERS
from tests.web.conftest import text
from tests.web.reports.conftest import (
    REGISTRY,
    REGISTRY_EXPORT,
    D,
    client_for,
    xlsx_of,
)

pytestmark = pytest.mark.django_db


# --- 仪器批量导入导出 -----------------------------------------------------------------------

REGISTRY_MATRIX = [
    (None, 302),
    ("member", 403),
    ("instrument_manager", 403),
    ("expert", 403),
    ("org_admin", 200),
    ("province", 200),
    ("office", 200),
]


@pytest.mark.parametrize("role,status", REGISTRY_MATRIX)
@pytest.mark.parametrize("path", [REGISTRY, REGISTRY_EXPORT])
def test_registry_permission_matrix(world, login_as, path, role, status):
    r = client_for(role, login_as).get(path)
    assert r.status_code == status
    if status == 302:
        assert r["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", [None, "member", "instrument_manager"])
def test_registry_import_refused_before_reading(world, login_as, role, media, django_capture_on_commit_callbacks):
    before = Instrument.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(role, login_as).post(REGISTRY, {"file": upload([good_row("X", world["ln"].name)])})
    assert r.status_code == (302 if role is None else 403)
    if role is None:
        assert r["Location"].startswith("/accounts/login/")
    assert Instrument.objects.count() == before
    assert not BackgroundJob.objects.exists()  # refused before any job is created


@pytest.mark.parametrize(
    "role,expected",
    [
        ("org_admin", ["A 场发射扫描电镜", "C 小型天平"]),  # their organisation's
        ("province", ["A 场发射扫描电镜", "C 小型天平", "E 闲置仪器", "G 小仪器"]),  # Liaoning's
        ("office", ["A 场发射扫描电镜", "C 小型天平", "D 疲劳试验台", "E 闲置仪器", "G 小仪器"]),
    ],
)
def test_registry_export_is_limited_to_what_the_user_registers(world, login_as, role, expected):
    r = login_as(role).get(REGISTRY_EXPORT)
    assert r.status_code == 200
    assert "filename*=UTF-8''" + quote("仪器清单-") in r["Content-Disposition"]
    ws = xlsx_of(r).active
    assert [c.value for c in ws[1]] == HEADERS
    assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == expected
    page = login_as(role).get(REGISTRY)
    assert page.context["export_count"] == len(expected)


def upload(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(
        "仪器.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def good_row(name, owner, value=800_000):
    values = {"仪器名称": name, "所属单位": owner, "分类代码": "0104", "原值(元)": value}
    return [values.get(h) for h in HEADERS]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the job keeps the upload and its result file there


def import_job(c, file, capture):
    """Post the import page as the browser does; the job runs on commit (as the worker would).
    The page answers with a redirect to the job page."""
    with capture(execute=True):
        r = c.post(REGISTRY, {"file": file})
    assert r.status_code == 302, r.status_code
    job = BackgroundJob.objects.get()
    assert r["Location"] == f"/jobs/{job.pk}/"
    return job


def test_import_with_errors_shows_rows_and_creates_nothing(world, login_as, media, django_capture_on_commit_callbacks):
    before = Instrument.objects.count()
    rows = [
        good_row("好仪器", world["ln"].name),  # row 2
        good_row("坏金额", world["ln"].name, value="很贵"),  # row 3
        good_row("无单位", "不存在的大学"),  # row 4
    ]
    c = login_as("office")
    job = import_job(c, upload(rows), django_capture_on_commit_callbacks)
    assert job.kind == "instruments.import" and job.status == BackgroundJob.Status.FAILED
    assert job.attempts == 1  # a refused file is the answer, not retried
    assert Instrument.objects.count() == before
    assert not Instrument.objects.filter(name="好仪器").exists()
    errors = job.result["details"]["rows"]
    assert {(e["row"], e["field"]) for e in errors} == {(3, "原值(元)"), (4, "所属单位")}
    page = c.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    html = text(page)
    assert html.count('data-testid="import-error"') == len(errors)
    assert "未保存任何记录" in html and "不存在的大学" in html
    assert f'href="{REGISTRY}"' in html  # back to the import page
    download = c.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "filename*=UTF-8''" + quote("导入错误.xlsx") in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "不存在的大学" in "".join(cells) and "原值(元)" in cells


def test_import_for_another_organisation_is_a_row_error(world, login_as, media, django_capture_on_commit_callbacks):
    before = Instrument.objects.count()
    job = import_job(
        login_as("org_admin"), upload([good_row("别人的仪器", world["jl"].name)]), django_capture_on_commit_callbacks
    )
    assert job.status == BackgroundJob.Status.FAILED
    assert [(e["row"], e["field"]) for e in job.result["details"]["rows"]] == [(2, "所属单位")]
    assert Instrument.objects.count() == before


def test_import_success_creates_rows(world, login_as, media, django_capture_on_commit_callbacks):
    c = login_as("org_admin")
    rows = [good_row("新电镜甲", world["ln"].name), good_row("新电镜乙", world["ln"].name, value="120万")]
    job = import_job(c, upload(rows), django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert str(job.owner_id) == c.session["_auth_user_id"]  # the importer owns the job
    created = Instrument.objects.filter(name__in=["新电镜甲", "新电镜乙"]).order_by("pk")
    assert [(i.owner_id, i.original_value) for i in created] == [
        (world["ln"].pk, D("800000.00")),
        (world["ln"].pk, D("1200000.00")),
    ]
    assert sorted(job.result["created"]) == [i.pk for i in created]
    assert job.progress_done == job.progress_total == 2  # the rows validated, shown on the page
    html = text(c.get(f"/jobs/{job.pk}/"))
    assert 'data-testid="import-job-count"' in html and "已导入 2 台仪器" in html
    assert f'href="{REGISTRY}"' in html and 'href="/instruments/manage/"' in html
    assert 'data-testid="import-error"' not in html


def test_import_progress_is_reported_while_validating_then_writing(
    world, login_as, media, django_capture_on_commit_callbacks, monkeypatch
):
    """The job records rows validated / total, then that it is writing, before the write."""
    from nesta.core.tasks import JobContext

    seen = []
    real_progress = JobContext.progress

    def spy(self, done, total=None, message=""):
        real_progress(self, done, total, message)
        job = BackgroundJob.objects.get(pk=self.job.pk)
        seen.append((job.progress_done, job.progress_total, job.message, Instrument.objects.count()))

    monkeypatch.setattr(JobContext, "progress", spy)
    before = Instrument.objects.count()
    rows = [good_row(f"进度仪器{i}", world["ln"].name) for i in range(3)]
    job = import_job(login_as("office"), upload(rows), django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    validated = [(d, t) for d, t, _m, _n in seen if t == 3]
    assert validated[:3] == [(1, 3), (2, 3), (3, 3)]
    writing = [s for s in seen if s[2] == "校验通过，正在写入……"]
    assert writing and writing[0][3] == before  # reported before anything is written
    assert Instrument.objects.count() == before + 3


def test_another_user_cannot_see_the_import_job(world, login_as, media, django_capture_on_commit_callbacks):
    job = import_job(
        login_as("org_admin"), upload([good_row("私有", world["ln"].name)]), django_capture_on_commit_callbacks
    )
    for role in ("province", "member"):
        assert login_as(role).get(f"/jobs/{job.pk}/").status_code in (403, 404)
        assert login_as(role).get(f"/jobs/{job.pk}/download/").status_code in (403, 404)
    assert Client().get(f"/jobs/{job.pk}/").status_code == 302  # to the login page


@pytest.mark.parametrize(
    "payload",
    [
        {},  # no file
        {"file": SimpleUploadedFile("empty.xlsx", b"", "application/octet-stream")},
    ],
)
def test_import_bad_upload_is_a_message_not_a_job(world, login_as, media, payload):
    before = Instrument.objects.count()
    r = login_as("office").post(REGISTRY, payload)
    assert r.status_code == 422
    assert 'data-testid="import-form"' in text(r)
    assert Instrument.objects.count() == before
    assert not BackgroundJob.objects.exists()


def test_import_not_a_workbook_fails_the_job_with_the_reason(
    world, login_as, media, django_capture_on_commit_callbacks
):
    before = Instrument.objects.count()
    c = login_as("office")
    job = import_job(
        c,
        SimpleUploadedFile("x.xlsx", b"not a workbook", "application/octet-stream"),
        django_capture_on_commit_callbacks,
    )
    assert job.status == BackgroundJob.Status.FAILED and job.attempts == 1
    assert job.result["code"] == "invalid_file" and job.error
    page = c.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and job.error in text(page)
    assert Instrument.objects.count() == before


def test_import_missing_header_names_the_column(world, login_as, media, django_capture_on_commit_callbacks):
    c = login_as("office")
    job = import_job(c, upload([["X", "0104"]], headers=["仪器名称", "分类代码"]), django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.FAILED
    fields = {e["field"] for e in job.result["details"]["rows"]}
    assert fields == {"原值(元)", "所属单位"}
    assert "原值(元)" in text(c.get(f"/jobs/{job.pk}/"))
