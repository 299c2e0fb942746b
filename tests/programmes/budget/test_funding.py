"""Programmes and budget lines: the office's, audited, unique per (year, programme, province, area)
with NULLs included; the lines page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nesta.core.errors import Conflict, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import FundingPlanLine
from nesta.programmes.services import funding as services

pytestmark = pytest.mark.django_db


def test_programme_create_update_audited(roles):
    p = services.programme_create(actor=roles["office"], data={"code": "zone-fund-dl", "name": "大连高新区专项资金"})
    assert AuditLog.objects.filter(action="programme.created", object_id=str(p.pk)).exists()
    with pytest.raises(Conflict):
        services.programme_create(actor=roles["office"], data={"code": "zone-fund-dl", "name": "重复"})
    with pytest.raises(ValidationFailed):
        services.programme_create(actor=roles["office"], data={"code": "Bad Code", "name": "x"})
    services.programme_update(actor=roles["office"], programme_id=p.pk, data={"name": "大连高新区专项扶持资金"})
    assert AuditLog.objects.filter(action="programme.updated", object_id=str(p.pk)).exists()
    for who in ("province", "finance", "applicant"):
        with pytest.raises(PermissionDenied):
            services.programme_create(actor=roles[who], data={"code": "x-y", "name": "x"})


def test_budget_line_uniqueness_includes_nulls(roles):
    data = {"year": 2030, "baseline_amount": "1000000"}
    line = services.budget_line_create(actor=roles["office"], data=data)
    with pytest.raises(Conflict) as exc:
        services.budget_line_create(actor=roles["office"], data=data)  # same year, no programme/province/area
    assert exc.value.code == "duplicate_budget_line"
    other = services.budget_line_create(
        actor=roles["office"], data={**data, "programme": "program-863", "province": "210000"}
    )
    with pytest.raises(Conflict):
        services.budget_line_update(actor=roles["office"], line_id=other.pk, data={"programme": None, "province": None})
    services.budget_line_update(actor=roles["office"], line_id=line.pk, data={"additional_amount": "500000"})
    line.refresh_from_db()
    assert line.total == Decimal("1500000.00")
    assert AuditLog.objects.filter(action="budget_line.updated", object_id=str(line.pk)).exists()
    for bad in ({"province": "220100"}, {"field": "nope"}, {"baseline_amount": "-1"}, {"year": 1999}):
        with pytest.raises(ValidationFailed):
            services.budget_line_create(actor=roles["office"], data={**data, "year": 2031, **bad})
    with pytest.raises(PermissionDenied):
        services.budget_line_create(actor=roles["province"], data={**data, "year": 2032})


def test_lines_page(client, roles):
    url = reverse("programmes:budget_lines")
    client.force_login(roles["province"])
    html = client.get(url).content.decode()
    assert 'data-testid="budget-line-form"' not in html
    assert client.post(url, {"year": 2030, "baseline_amount": "1"}).status_code == 403
    client.force_login(roles["office"])
    r = client.post(url, {"year": 2030, "programme": "program-863", "province": "210000", "baseline_amount": "2000000"})
    assert r.status_code == 302 and FundingPlanLine.objects.filter(year=2030).count() == 1
    r = client.post(url, {"year": 2030, "programme": "program-863", "province": "210000", "baseline_amount": "1"})
    assert r.status_code == 422 and FundingPlanLine.objects.filter(year=2030).count() == 1
