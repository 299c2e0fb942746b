"""The bases' pages: the public register with filters, a base with its history, reports (for those
who may read them) and latest evaluation, the layout matrix, an evaluation run with its reasons —
each in a constant number of queries."""

import pytest

from nesta.bases.models import ReportStatus
from nesta.bases.services import evaluation as services
from tests.bases.factories import BaseFactory, BaseReportFactory

pytestmark = pytest.mark.django_db


def test_the_register_is_public_and_filters(client, people):
    BaseFactory(level="provincial")
    r = client.get("/bases/")
    assert r.status_code == 200
    assert r.content.decode().count('data-testid="base-card"') == 3
    r = client.get("/bases/?level=provincial&province=210000")
    assert r.content.decode().count('data-testid="base-card"') == 1


def test_the_register_reads_a_constant_number_of_queries(client, people, django_assert_max_num_queries):
    client.get("/bases/")
    for _ in range(8):
        BaseFactory()
    with django_assert_max_num_queries(8):
        assert client.get("/bases/").status_code == 200


def test_a_base_shows_its_history_and_its_reports_only_to_those_who_may_read_them(client, people):
    base = people["base"]
    BaseReportFactory(base=base, year=2025, status=ReportStatus.ACCEPTED, papers=77)
    page = client.get(f"/bases/{base.pk}/").content.decode()
    assert base.organization.name in page and 'data-testid="status-history"' in page
    assert 'data-testid="report-2025"' not in page  # anonymous
    client.force_login(people["member"])
    page = client.get(f"/bases/{base.pk}/").content.decode()
    assert 'data-testid="report-2025"' in page and "77" in page
    client.force_login(people["other_member"])
    assert 'data-testid="report-2025"' not in client.get(f"/bases/{base.pk}/").content.decode()
    assert client.get("/bases/2000000000/").status_code == 404


def test_the_layout_matrix_counts_and_shows_the_gaps(client, people, reference):
    from nesta.core.models import TaxonomyNode

    area = TaxonomyNode.objects.filter(depth=1).order_by("sort_order").first()
    sub = TaxonomyNode.objects.filter(parent=area).first()
    BaseFactory(field=sub or area, level="provincial")
    r = client.get("/bases/layout/")
    assert r.status_code == 200
    matrix = r.context["layout"]
    row = next(x for x in matrix.rows if x.area == area)
    liaoning = [p.code for p in matrix.provinces].index("210000")
    assert row.cells[liaoning].provincial >= 1
    assert len(matrix.uncovered) == sum(r.gaps for r in matrix.rows) > 0
    assert "空白" in r.content.decode()


def test_an_evaluation_run_shows_each_recommendation_and_why(client, people):
    bases = [people["base"], BaseFactory(), BaseFactory()]
    for base, papers in zip(bases, (10, 20, 30), strict=True):
        BaseReportFactory(base=base, year=2025, status=ReportStatus.ACCEPTED, papers=papers)
    scheme = services.scheme_create(
        actor=people["office"],
        data={
            "base_type": "key_laboratory",
            "year": 2025,
            "name": "评估",
            "top_share": "0.34",
            "bottom_share": "0.34",
            "criteria": [{"indicator": "papers", "weight": "1"}],
        },  # fmt: skip
    )
    run = services.evaluation_run(actor=people["office"], scheme_id=scheme.pk)
    assert client.get(f"/bases/evaluations/{run.pk}/").status_code == 302  # to the login page
    client.force_login(people["office"])
    page = client.get(f"/bases/evaluations/{run.pk}/").content.decode()
    assert page.count('data-testid="result"') == 3
    assert "重点支持" in page and "整改" in page and "发表论文" in page
    assert "排名位于重点支持比例之内" in page
    client.force_login(people["member"])
    assert client.get(f"/bases/evaluations/{run.pk}/").status_code == 403


def test_the_host_fills_in_submits_and_the_province_returns_with_a_reason(client, people):
    base = people["base"]
    client.force_login(people["member"])
    assert 'data-testid="new-report"' in client.get(f"/bases/{base.pk}/").content.decode()
    form = {"year": 2025, "summary": "年度总结", "fixed_staff": 10, "senior_staff": 11}
    form |= {k: 0 for k in ("rd_spend", "doctorate_staff", "projects", "funding_national", "funding_local",
                            "funding_enterprise", "funding_other", "patents_applied", "patents_granted", "standards",
                            "papers", "transfers", "transfer_income", "open_projects", "trainees")}  # fmt: skip
    r = client.post(f"/bases/{base.pk}/reports/new/", form)
    assert r.status_code == 422 and "高级职称人员不能多于固定人员" in r.content.decode()
    r = client.post(f"/bases/{base.pk}/reports/new/", {**form, "senior_staff": 5, "papers": 33})
    assert r.status_code == 302
    report = base.reports.get(year=2025)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "33" in page and 'data-testid="report-submit"' in page and 'data-testid="derived-contracts"' in page
    client.post(f"/bases/reports/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.derived_at is not None
    assert 'data-testid="edit-report"' not in client.get(report.get_absolute_url()).content.decode()
    client.force_login(people["province"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="report-check"' in page and 'data-testid="report-return"' in page
    client.post(f"/bases/reports/{report.pk}/return/", {"reason": "专利数与附件不符"})
    report.refresh_from_db()
    assert (report.status, report.status_note) == (ReportStatus.RETURNED, "专利数与附件不符")
    client.force_login(people["other_member"])
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(f"/bases/{base.pk}/reports/new/").status_code == 403


def test_the_office_runs_a_scheme_from_the_schemes_page(client, people):
    BaseReportFactory(base=people["base"], year=2025, status=ReportStatus.ACCEPTED, papers=5)
    scheme = services.scheme_create(
        actor=people["office"],
        data={
            "base_type": "key_laboratory",
            "year": 2025,
            "name": "2025年度重点实验室评估",
            "criteria": [{"indicator": "papers", "weight": "1"}],
        },
    )
    client.force_login(people["province"])
    page = client.get("/bases/evaluations/").content.decode()
    assert "2025年度重点实验室评估" in page and 'data-testid="run-scheme"' not in page
    assert client.post(f"/bases/evaluations/schemes/{scheme.pk}/run/").status_code == 403
    client.force_login(people["office"])
    assert 'data-testid="run-scheme"' in client.get("/bases/evaluations/").content.decode()
    r = client.post(f"/bases/evaluations/schemes/{scheme.pk}/run/")
    assert r.status_code == 302 and "/bases/evaluations/" in r["Location"]
    assert scheme.runs.count() == 1
    client.force_login(people["member"])
    assert "基地评估" not in client.get("/bases/").content.decode()
    assert client.get("/bases/evaluations/").status_code == 403
