"""A province's collected reports from XLSX: all or nothing, every bad row named with its column,
only the province's own bases, the template round-trips, hostile files refused."""

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from nesta.bases.models import BaseReport, ReportStatus
from nesta.bases.services import imports
from nesta.core.errors import ValidationFailed
from nesta.core.models import AuditLog
from tests.bases.factories import BaseFactory, BaseReportFactory
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
HEAD = ["基地ID", "年度", "固定人员（人）", "高级职称人员（人）", "发表论文（篇）", "研发投入（元）"]


def _xlsx(rows, head=HEAD):
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_good_rows_become_checked_reports_with_frozen_derived_figures(people):
    a, b = people["base"], BaseFactory()
    BaseReportFactory(base=b, year=2025, status=ReportStatus.RETURNED, papers=1)
    content = _xlsx([[a.pk, 2025, 40, 20, 88, 1234567.5], [b.pk, 2025, 30, 10, 12, None], [None, None]])
    result = imports.reports_import(actor=people["province"], content=content)
    assert (result.rows, len(result.saved), result.errors) == (2, 2, [])
    ra = BaseReport.objects.get(base=a, year=2025)
    assert (ra.status, ra.papers, str(ra.rd_spend), ra.fixed_staff) == (ReportStatus.CHECKED, 88, "1234567.50", 40)
    assert ra.derived_at is not None and ra.contracts == 0
    assert BaseReport.objects.get(base=b, year=2025).papers == 12  # the returned report replaced
    assert AuditLog.objects.filter(action="base_report.imported").count() == 2


def test_one_bad_row_writes_nothing_and_every_bad_row_is_named(people):
    a = people["base"]
    checked = BaseFactory()
    BaseReportFactory(base=checked, year=2025, status=ReportStatus.ACCEPTED)
    content = _xlsx(
        [
            [a.pk, 2025, 40, 20, 88, 100],  # good
            [a.pk, 2025, 40, 20, 88, 100],  # twice
            [people["other_base"].pk, 2025, 1, 0, 0, 0],  # Jilin's base
            [2_000_000_000, 2025],  # no such base
            [checked.pk, 2025, 5, 1, 1, 1],  # already accepted
            [BaseFactory().pk, 2099, 1, 1, 1, 1],  # future year
            [BaseFactory().pk, 2025, 10, 11, "多", "一百万"],  # staff, text in a count and in money
        ]
    )
    result = imports.reports_import(actor=people["province"], content=content)
    assert not result.saved and not BaseReport.objects.filter(base=a).exists()
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e.column)
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert by_row[8] == ["研发投入（元）", "发表论文（篇）", "固定人员（人）"]
    assert dry_run_is_a_check(people, content)


def dry_run_is_a_check(people, content) -> bool:
    result = imports.reports_import(actor=people["province"], content=content, dry_run=True)
    return bool(result.errors) and not BaseReport.objects.filter(base=people["base"]).exists()


@pytest.mark.parametrize(
    "content,code",
    [
        (b"not a workbook", "invalid_file"),
        (None, "invalid_file"),  # the header lacks 基地ID
    ],
)
def test_unusable_files_are_refused(people, content, code):
    if content is None:
        content = _xlsx([[1, 2025]], head=["名称", "年度"])
    with pytest.raises(ValidationFailed) as exc:
        imports.reports_import(actor=people["province"], content=content)
    assert exc.value.code == code


def test_the_template_lists_the_provinces_bases_and_imports_back(people):
    content = imports.reports_template_xlsx(actor=people["province"], year=2025)
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("基地ID", "基地名称", "年度")
    assert [r[0] for r in rows[1:]] == [people["base"].pk]  # not Jilin's
    result = imports.reports_import(actor=people["province"], content=content)
    assert len(result.saved) == 1 and not result.errors


def test_the_import_api(api_client, people):
    content = _xlsx([[people["base"].pk, 2025, 40, 20, 88, 100]])
    url = "/api/v1/base-report-imports"
    assert api_client.post(url, {"file": io.BytesIO(content)}).status_code == 401
    r = api_client.post(url, {"file": io.BytesIO(content)}, **bearer(people["member"]))
    assert r.status_code == 403
    bad = _xlsx([[people["other_base"].pk, 2025, 1, 0, 0, 0]])
    r = api_client.post(url, {"file": io.BytesIO(bad)}, **bearer(people["province"]))
    assert r.status_code == 422 and r.json()["details"]["rows"][0]["row"] == 2
    r = api_client.post(url + "?dry_run=true", {"file": io.BytesIO(content)}, **bearer(people["province"]))
    assert r.status_code == 200 and r.json()["saved"] == 0 and not BaseReport.objects.exists()
    r = api_client.post(url, {"file": io.BytesIO(content)}, **bearer(people["province"]))
    assert r.status_code == 201, r.content
    assert json.loads(r.content)["saved"] == 1
    r = api_client.get("/api/v1/base-report-imports/template.xlsx?year=2025", **bearer(people["province"]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
