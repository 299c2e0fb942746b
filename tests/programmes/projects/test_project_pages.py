"""The projects pages: who sees what, each POST permissioned, constant queries."""

import pytest
from django.urls import reverse

from nesta.programmes.models import Payment, ReportStatus
from tests.programmes.projects.conftest import contract_data, funded

pytestmark = pytest.mark.django_db


def test_contract_form_signs_and_project_page_shows_it(client, people, application):
    url = reverse("programmes:contract_create", args=[application.pk])
    client.force_login(people["finance"])
    assert client.get(url).status_code == 403
    client.force_login(people["office"])
    assert client.get(url).status_code == 200
    data = {k: v for k, v in contract_data().items() if k != "milestones"}
    data.update({"m-0-title": "节点一", "m-0-due_date": "2026-06-30", "m-0-payment_amount": "2000000"})
    r = client.post(url, data)
    assert r.status_code == 422 and "超过资助总额" in r.content.decode()
    data["m-0-payment_amount"] = "500000"
    r = client.post(url, data)
    assert r.status_code == 302
    page = client.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "节点一" in html and "ZX2026-001" in html


def test_project_page_per_role(client, people, project, django_assert_max_num_queries):
    url = reverse("programmes:project_detail", args=[project.pk])
    client.force_login(people["applicant"])
    html = client.get(url).content.decode()
    assert 'data-testid="report-form"' in html and 'data-testid="payment-form"' not in html
    client.force_login(people["finance"])
    html = client.get(url).content.decode()
    assert 'data-testid="payment-form"' in html and 'data-testid="report-form"' not in html
    client.force_login(people["stranger"])
    assert client.get(url).status_code == 404
    client.force_login(people["office"])
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_posts_run_the_services(client, people, project):
    m = project.milestones.order_by("sort_order").first()
    client.force_login(people["applicant"])
    r = client.post(reverse("programmes:report_submit", args=[project.pk, m.pk]), {"text": "完成仿真"})
    assert r.status_code == 302 and m.reports.get().status == ReportStatus.SUBMITTED
    report = m.reports.get()
    r = client.post(reverse("programmes:report_review", args=[project.pk, report.pk]), {"decision": "accept"})
    assert r.status_code == 403
    client.force_login(people["office"])
    client.post(reverse("programmes:report_review", args=[project.pk, report.pk]), {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    pay = {"category": "business", "amount": "1000", "paid_on": "2026-03-01", "milestone": m.pk}
    client.force_login(people["applicant"])
    assert client.post(reverse("programmes:payment_record", args=[project.pk]), pay).status_code == 403
    client.force_login(people["finance"])
    client.post(reverse("programmes:payment_record", args=[project.pk]), pay)
    assert Payment.objects.get().milestone_id == m.pk
    r = client.post(reverse("programmes:payment_record", args=[project.pk]), {**pay, "amount": "999999"})
    assert r.status_code == 302 and Payment.objects.count() == 1


def test_list_queries_do_not_grow(client, people, project, django_assert_max_num_queries):
    from nesta.programmes.services import projects as services

    client.force_login(people["office"])
    url = reverse("programmes:project_list")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for i in range(3):
        app = funded(people["org"])
        services.project_create(
            actor=people["office"], application_id=app.pk, data=contract_data(contract_number=f"N-{i}")
        )
    funded(people["org"])  # one to sign
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert html.count('data-testid="project-item"') == 4 and 'data-testid="to-sign"' in html
    client.force_login(people["finance"])
    assert client.get(reverse("programmes:payments")).status_code == 200
