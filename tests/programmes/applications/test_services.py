"""Applications: create for the actor's organisation, edit while draft or returned, the call's
form validated, team, avoid requests, submission completeness, numbering, the formal check."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.programmes.models import Application
from nesta.programmes.services import applications as services
from tests.factories import OrganizationFactory
from tests.programmes.applications.conftest import app_data
from tests.programmes.factories import CallFactory, expert

pytestmark = pytest.mark.django_db


def submit(user, app):
    return services.application_run("submit", actor=user, application_id_=app.pk)


def test_create_copies_the_province_and_the_private_tech_flag(users, call, org_ln):
    app = services.application_create(actor=users["member"], data=app_data(call))
    assert app.status == "draft" and app.organization == org_ln and app.province.code == "210000"
    assert app.team.count() == 2 and app.team.get(is_lead=True).name == "李明"
    assert app.budget_items.count() == 6 and app.self_funding == Decimal("200000.00")
    assert app.number is None
    assert AuditLog.objects.filter(action="application.created", object_id=str(app.pk)).exists()


def test_who_may_create(users, call, org_jl):
    for role in ("office", "province", "expert"):
        with pytest.raises(PermissionDenied):
            services.application_create(
                actor=users[role], data=app_data(call, organization=users["member"].organization_id)
            )
    with pytest.raises(PermissionDenied):  # another organisation
        services.application_create(actor=users["member"], data=app_data(call, organization=org_jl.pk))
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.application_create(actor=AnonymousUser(), data={"title": "\x00"})


def test_only_to_an_open_call(users, reference):
    closed = CallFactory(status="closed")
    with pytest.raises(Conflict) as exc:
        services.application_create(actor=users["member"], data=app_data(closed))
    assert exc.value.code == "call_not_open"


def test_out_of_scope_province_or_field(users, reference):
    jl_only = CallFactory()
    from nesta.core.models import Region, TaxonomyNode

    jl_only.provinces.set([Region.objects.get(code="220000")])
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=users["member"], data=app_data(jl_only))
    assert exc.value.code == "out_of_scope"
    agri = CallFactory()
    agri.fields.set([TaxonomyNode.objects.get(code="modern-agriculture")])
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=users["member"], data=app_data(agri))
    assert exc.value.code == "out_of_scope" and "field" in exc.value.details
    equipment = CallFactory()
    equipment.fields.set([TaxonomyNode.objects.get(code="equipment-manufacturing")])  # machinery's parent
    assert services.application_create(actor=users["member"], data=app_data(equipment)).pk


@pytest.mark.parametrize(
    "form_data,where",
    [
        ({"staff": 10**12}, "form_data.staff"),
        ({"staff": "abc"}, "form_data.staff"),
        ({"staff": -1}, "form_data.staff"),
        ({"stage": "量产"}, "form_data.stage"),
        ({"start": "2026-13-45"}, "form_data.start"),
        ({"start": "1800-01-01"}, "form_data.start"),
        ({"sales": "1e12"}, "form_data.sales"),
        ({"sales": "2000000000"}, "form_data.sales"),
        ({"market": "x" * 2001}, "form_data.market"),
        ({"market": "控制\x1b字符"}, "form_data.market"),
    ],
)
def test_the_calls_own_fields_are_validated(users, call, form_data, where):
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=users["member"], data=app_data(call, form_data=form_data))
    assert exc.value.code == "invalid_form_data" and where in exc.value.details
    assert not Application.objects.exists()


def test_unknown_form_field_is_refused(users, call):
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=users["member"], data=app_data(call, form_data={"nope": 1}))
    assert exc.value.code == "invalid_form_data"


def test_good_form_data_is_stored_normalised(users, call):
    app = services.application_create(
        actor=users["member"],
        data=app_data(
            call, form_data={"market": " 好 ", "staff": "12", "stage": "中试", "start": "2026-03-01", "sales": "1234.5"}
        ),
    )
    assert app.form_data == {"market": "好", "staff": 12, "stage": "中试", "start": "2026-03-01", "sales": "1234.50"}


@pytest.mark.parametrize(
    "over,code",
    [
        ({"team": [{"name": "甲", "is_lead": True}, {"name": "乙", "is_lead": True}]}, "invalid_team"),
        ({"team": [{"name": ""}]}, "invalid_team"),
        ({"team": [{"name": "甲", "months": 10**9}]}, "invalid_team"),
        ({"team": [{"name": "甲", "person": 999999}]}, "invalid_team"),
        (
            {"budget": [{"category": "business", "amount": "100"}, {"category": "indirect", "amount": "31"}]},
            "indirect_cost_exceeds_cap",
        ),
        ({"requested_amount": "1e30"}, "invalid_application"),
        ({"title": "标题\x00"}, "invalid_application"),
        ({"field": "nope"}, "unknown_field"),
        ({"start_date": "2027-01-01", "end_date": "2026-01-01"}, "invalid_dates"),
        ({"start_date": "0001-01-01"}, "invalid_application"),
        ({"avoid_requests": [{"expert": 999999, "reason": "竞争关系"}]}, "invalid_avoid_requests"),
        ({"unknown": 1}, "unknown_fields"),
    ],
)
def test_bad_parts_are_refused_with_a_code(users, call, over, code):
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=users["member"], data=app_data(call, **over))
    assert exc.value.code == code


def test_avoid_requests_are_bounded_by_the_call(users, call):
    experts = [expert() for _ in range(4)]
    reqs = [{"expert": e.pk, "reason": "存在竞争关系"} for e in experts]
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(actor=users["member"], data=app_data(call, avoid_requests=reqs))
    assert exc.value.code == "too_many_avoid_requests"
    with pytest.raises(ValidationFailed) as exc:
        services.application_create(
            actor=users["member"], data=app_data(call, avoid_requests=[{"expert": experts[0].pk, "reason": ""}])
        )
    assert exc.value.code == "invalid_avoid_requests"
    app = services.application_create(actor=users["member"], data=app_data(call, avoid_requests=reqs[:3]))
    assert app.avoid_requests.count() == 3


def test_submit_numbers_and_checks_completeness(users, call, draft):
    app = submit(users["member"], draft)
    assert app.status == "submitted" and app.number == "2026-LN-000001"
    other = services.application_create(actor=users["member"], data=app_data(call, form_data={"market": "好"}))
    assert submit(users["member"], other).number == "2026-LN-000002"


@pytest.mark.parametrize(
    "over,code",
    [
        ({"team": [{"name": "王芳"}]}, "lead_required"),
        ({"requested_amount": "900000"}, "budget_mismatch"),
        ({"budget": []}, "budget_missing"),
        ({"form_data": {}}, "missing_form_fields"),
    ],
)
def test_incomplete_applications_are_not_submitted(users, call, over, code):
    data = app_data(call, form_data={"market": "好"})
    data.update(over)
    app = services.application_create(actor=users["member"], data=data)
    with pytest.raises(ValidationFailed) as exc:
        submit(users["member"], app)
    assert exc.value.code == code
    app.refresh_from_db()
    assert app.status == "draft" and app.number is None


def test_several_problems_are_listed_together(users, call):
    app = services.application_create(actor=users["member"], data=app_data(call, team=[], form_data={}))
    with pytest.raises(ValidationFailed) as exc:
        submit(users["member"], app)
    assert exc.value.code == "application_incomplete"
    assert "team" in exc.value.details and "form_data.market" in exc.value.details


def test_request_above_the_calls_maximum(users, reference):
    small = CallFactory(max_request=Decimal("500000"))
    app = services.application_create(actor=users["member"], data=app_data(small))
    with pytest.raises(ValidationFailed) as exc:
        submit(users["member"], app)
    assert exc.value.code == "request_over_max"


def test_not_after_the_window(users, call, draft):
    call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    call.save()
    with pytest.raises(ValidationFailed) as exc:
        submit(users["member"], draft)
    assert exc.value.code == "call_not_open"


def test_edit_only_while_draft_or_returned(users, call, draft):
    services.application_update(actor=users["member"], application_id_=draft.pk, data={"title": "新题目"})
    submit(users["member"], draft)
    with pytest.raises(Conflict) as exc:
        services.application_update(actor=users["member"], application_id_=draft.pk, data={"title": "再改"})
    assert exc.value.code == "application_locked"
    with pytest.raises(ValidationFailed) as exc:
        services.application_update(actor=users["member"], application_id_=draft.pk, data={"call": call.pk})
    assert exc.value.code == "field_fixed"


def _to_recommended(users, app):
    submit(users["member"], app)
    return services.application_run("recommend", actor=users["province"], application_id_=app.pk)


def test_formal_check_return_needs_a_failed_item_with_its_reason(users, draft):
    _to_recommended(users, draft)
    office = users["office"]
    with pytest.raises(ValidationFailed) as exc:
        services.application_run("return", actor=office, application_id_=draft.pk, checklist={})
    assert exc.value.code == "failed_item_required"
    with pytest.raises(ValidationFailed) as exc:
        services.application_run("return", actor=office, application_id_=draft.pk, checklist={"budget": {"ok": False}})
    assert exc.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as exc:
        services.application_run(
            "return", actor=office, application_id_=draft.pk, checklist={"bogus": {"ok": False, "reason": "x"}}
        )
    assert exc.value.code == "invalid_checklist"
    app = services.application_run(
        "return",
        actor=office,
        application_id_=draft.pk,
        checklist={"budget": {"ok": False, "reason": "劳务费测算依据不足"}},
    )
    assert app.status == "returned" and "劳务费测算依据不足" in app.status_note
    assert app.formal_check["items"]["budget"] == {"ok": False, "reason": "劳务费测算依据不足"}
    # the applicant corrects and submits again: the same number
    number = app.number
    services.application_update(actor=users["member"], application_id_=app.pk, data={"keywords": "铸造"})
    again = submit(users["member"], app)
    assert again.status == "submitted" and again.number == number and again.status_note == ""


def test_pass_check_records_the_checklist_and_refuses_failed_items(users, draft):
    _to_recommended(users, draft)
    with pytest.raises(ValidationFailed) as exc:
        services.application_run(
            "pass_check",
            actor=users["office"],
            application_id_=draft.pk,
            checklist={"commitment": {"ok": False, "reason": "缺承诺书"}},
        )
    assert exc.value.code == "check_items_failed"
    app = services.application_run("pass_check", actor=users["office"], application_id_=draft.pk)
    assert app.status == "in_review" and app.formal_check["result"] == "passed"
    assert all(i["ok"] for i in app.formal_check["items"].values()) and len(app.formal_check["items"]) == 6


def test_not_recommend_needs_a_reason(users, draft):
    submit(users["member"], draft)
    with pytest.raises(ValidationFailed) as exc:
        services.application_run("not_recommend", actor=users["province"], application_id_=draft.pk, reason="  ")
    assert exc.value.code == "reason_required"
    app = services.application_run(
        "not_recommend", actor=users["province"], application_id_=draft.pk, reason="不符合本省重点方向"
    )
    assert app.status == "not_recommended" and app.status_note == "不符合本省重点方向"
    row = AuditLog.objects.filter(action="application.not_recommended", object_id=str(app.pk)).get()
    assert row.changes["status_note"][1] == "不符合本省重点方向"


def test_another_province_may_not_recommend(users, jilin, draft):
    from tests.factories import UserFactory, grant

    jl = grant(UserFactory(username="jl_prov"), "province", province=jilin)
    submit(users["member"], draft)
    with pytest.raises(PermissionDenied):
        services.application_run("recommend", actor=jl, application_id_=draft.pk)


def test_offered_only(users, draft):
    from nesta.core.errors import NotFound

    with pytest.raises(NotFound):
        services.application_run("fund", actor=users["office"], application_id_=draft.pk)


def test_organisation_of_another_province_gets_its_own_numbers(users, call, jilin):
    from tests.factories import UserFactory, grant

    org = OrganizationFactory(province_code="220000", city_code="220100")
    user = grant(UserFactory(username="jl_member", organization=org), "member", organization=org)
    app = services.application_create(actor=user, data=app_data(call, form_data={"market": "好"}))
    assert submit(user, app).number == "2026-JL-000001"
