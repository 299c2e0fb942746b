"""The audit page and GET /api/v1/audit: named events with labels, translated fields and values,
local times, filters by type/actor/dates (validated), XLSX export that keeps text as text."""

import io
from datetime import UTC, datetime

import pytest
from django.test import Client
from openpyxl import load_workbook

from nesta.core.models import AuditLog
from nesta.directory.services import organization_update
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def office_client(users) -> Client:
    c = Client()
    c.force_login(users["office"])
    return c


def at(entry: AuditLog, when: datetime) -> AuditLog:
    AuditLog.objects.filter(pk=entry.pk).update(created_at=when)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def trail(users, org_ln, org_jl):
    organization_update(
        actor=users["office"], organization=org_ln, data={"address": "沈阳市和平区", "kind": "enterprise"}
    )
    changed = AuditLog.objects.get(object_type="directory.organization", action="organization.updated")
    at(changed, datetime(2026, 3, 1, 18, 30, tzinfo=UTC))  # 2026-03-02 02:30 in Shanghai
    old = AuditLog.objects.create(
        action="update",
        object_type="directory.organization",
        object_id=str(org_jl.pk),
        actor_repr="legacy",
        changes={"address": ["a", "b"]},
    )
    at(old, datetime(2025, 6, 1, 4, 0, tzinfo=UTC))
    odd = AuditLog.objects.create(
        action="thing.happened",
        object_type="instruments.booking",
        object_id="7",
        actor_repr="t_admin",
        object_repr='=HYPERLINK("http://evil","x")\x04',
    )
    at(odd, datetime(2026, 5, 1, 1, 0, tzinfo=UTC))
    return {"changed": changed, "old": old, "odd": odd}


def test_page_shows_event_labels_translated_fields_values_and_local_times(users, trail):
    html = office_client(users).get("/audit/").content.decode()
    assert "修改机构" in html  # organization.updated, by its registered label
    assert "地址" in html and "沈阳市和平区" in html  # the field's name, translated
    assert "机构类型" in html and "企业" in html and ">enterprise<" not in html  # a choice's label, not its value
    assert "2026年3月2日 02:30" in html  # Asia/Shanghai, not UTC
    assert "修改" in html  # an old generic row keeps its label
    assert "thing.happened" in html  # an unknown event reads as its raw name


def test_every_registered_object_type_is_a_filter(users, trail):
    html = office_client(users).get("/audit/").content.decode()
    for value in (
        "directory.organization",
        "directory.person",
        "accounts.roleassignment",
        "instruments.booking",
        "instruments.testorder",
        "instruments.instrument",
    ):
        assert f'value="{value}"' in html
    r = office_client(users).get("/audit/", {"object_type": "instruments.booking"}, HTTP_HX_REQUEST="true")
    assert [e.pk for e in r.context["page"].items] == [trail["odd"].pk]


def test_filters_by_actor_and_dates(users, trail):
    c = office_client(users)
    assert [e.pk for e in c.get("/audit/", {"actor": "legacy"}).context["page"].items] == [trail["old"].pk]
    # local dates: the 18:30 UTC row of 1 March is on 2 March in Shanghai
    r = c.get("/audit/", {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert [e.pk for e in r.context["page"].items] == [trail["changed"].pk]
    r = c.get("/audit/", {"date_to": "2026-03-01"})
    assert [e.pk for e in r.context["page"].items] == [trail["old"].pk]


@pytest.mark.parametrize(
    "params,message",
    [
        ({"date_from": "2026-13-01"}, "起始日期"),
        ({"date_from": "9999-12-31"}, "2000-01-01"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "截止日期不能早于起始日期"),
        ({"object_type": "no.such"}, "对象类型"),
        ({"actor": "x" * 151}, "操作人"),
    ],
)
def test_bad_filters_are_a_form_error_never_a_500(users, trail, params, message):
    r = office_client(users).get("/audit/", params)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="audit-filter-errors"' in html and message in html
    assert office_client(users).get("/audit/export.xlsx", params).status_code == 400


def test_only_the_office_sees_the_page_and_the_export(users, trail):
    for role in ("province", "org_admin", "instrument_manager", "expert", "member"):
        c = Client()
        c.force_login(users[role])
        assert c.get("/audit/").status_code == 403
        assert c.get("/audit/export.xlsx").status_code == 403
    r = Client().get("/audit/export.xlsx")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_export_is_the_filtered_rows_and_text_stays_text(users, trail):
    r = office_client(users).get("/audit/export.xlsx", {"object_type": "instruments.booking"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97" in r["Content-Disposition"]  # 审计日志
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert len(rows) == 2  # the header and the one booking row
    cell = ws.cell(row=2, column=6)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://evil","x")'  # text, control char gone
    assert rows[1][0] == datetime(2026, 5, 1, 9, 0)  # local time


def test_export_changes_read_like_the_page(users, trail):
    r = office_client(users).get("/audit/export.xlsx", {"actor": "t_office"})
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [row for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(values) == 1 and values[0][2] == "修改机构" and values[0][3] == "机构"
    lines = values[0][6].split("\n")
    assert any(line.startswith("地址：") and line.endswith(" → 沈阳市和平区") for line in lines), lines
    assert any(line.startswith("机构类型：") and line.endswith(" → 企业") for line in lines), lines


def test_page_query_count_does_not_grow_with_rows(users, org_ln, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = office_client(users)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/audit/").status_code == 200
        return len(ctx)

    for i in range(3):
        organization_update(actor=users["office"], organization=org_ln, data={"address": f"地址{i}"})
    few = count()
    for i in range(30):
        organization_update(actor=users["office"], organization=org_ln, data={"address": f"新地址{i}"})
    assert count() == few


def test_api_filters_the_same_way(api_client, users, trail):
    headers = bearer(users["office"])
    r = api_client.get("/api/v1/audit", {"actor": "legacy"}, **headers)
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert (item["action"], item["action_label"]) == ("update", "修改")
    r = api_client.get("/api/v1/audit", {"date_from": "2026-03-02", "date_to": "2026-03-02"}, **headers)
    assert [i["action"] for i in r.json()["items"]] == ["organization.updated"]
    assert r.json()["items"][0]["action_label"] == "修改机构"
    r = api_client.get("/api/v1/audit", {"date_from": "2026-05-02", "date_to": "2026-05-01"}, **headers)
    assert r.status_code == 422 and r.json()["code"] == "validation_error" and "date_to" in r.json()["details"]
    for bad in ({"date_from": "2026-13-01"}, {"date_to": "9999-12-31"}):
        r = api_client.get("/api/v1/audit", bad, **headers)
        assert r.status_code == 422, bad
    assert api_client.get("/api/v1/audit", **bearer(users["province"])).status_code == 403
