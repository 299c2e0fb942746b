"""Submission: every rule answers 422 with its own stable code."""

import datetime as dt

import pytest
from django.utils import timezone

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.market.models import TechContract
from nesta.market.services.contract_rules import CODES
from nesta.market.services.contracts import contract_submit
from tests.factories import OrganizationFactory
from tests.market.contracts.conftest import contract_data
from tests.market.factories import ListingFactory

TODAY = dt.date.today()


def refused(actor, data):
    with pytest.raises(ValidationFailed) as exc:
        contract_submit(actor=actor, data=data)
    assert TechContract.objects.count() == 0
    assert exc.value.code in CODES
    for code in exc.value.details["codes"].values():
        assert code in CODES
    return exc.value


def test_a_valid_submission_is_saved_with_its_deadline_and_audited(point, seller, org_ln):
    c = contract_submit(actor=seller, data=contract_data(point))
    assert c.status == "submitted" and c.number is None
    assert c.seller_organization == org_ln and c.seller_name == org_ln.name  # defaults from the org
    assert c.decision_due == timezone.localdate() + dt.timedelta(days=30)
    assert c.non_technical_costs == [{"item": "equipment", "amount": "200000.00", "note": "熔炼炉"}]
    assert AuditLog.objects.filter(action="contract.submitted", object_id=str(c.pk)).exists()


def test_the_deadline_follows_the_points_decision_days(point, seller):
    point.decision_days = 10
    point.save()
    c = contract_submit(actor=seller, data=contract_data(point))
    assert c.decision_due == timezone.localdate() + dt.timedelta(days=10)


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"technology_amount": "1000001.00"}, "technology_amount", "technology_amount_exceeds_total"),
        ({"technology_amount": "900000.00"}, "technology_amount", "technology_amount_mismatch"),
        ({"technology_amount": None}, "technology_amount", "technology_amount_required"),
        ({"contract_amount": None}, "contract_amount", "contract_amount_required"),
        (
            {"contract_amount": "0", "technology_amount": "0", "non_technical_costs": []},
            "contract_amount",
            "contract_amount_not_positive",
        ),
        ({"contract_amount": "-5"}, "contract_amount", "contract_amount_invalid"),
        ({"contract_amount": "1.001"}, "contract_amount", "contract_amount_invalid"),
        ({"contract_amount": "abc"}, "contract_amount", "contract_amount_invalid"),
        ({"contract_amount": "1e12"}, "contract_amount", "contract_amount_too_large"),
        ({"contract_amount": "NaN"}, "contract_amount", "contract_amount_invalid"),
        (
            {"non_technical_costs": [{"item": "equipment", "amount": "2000000"}], "technology_amount": "0"},
            "non_technical_costs",
            "non_technical_costs_exceed_total",
        ),
        (
            {"non_technical_costs": [{"item": "gold", "amount": "1"}]},
            "non_technical_costs",
            "non_technical_cost_item_unknown",
        ),
        (
            {"non_technical_costs": [{"item": "equipment", "amount": "0"}]},
            "non_technical_costs",
            "non_technical_cost_amount_invalid",
        ),
        (
            {"non_technical_costs": [{"item": "equipment", "amount": "200000", "note": "a\x00b"}]},
            "non_technical_costs",
            "non_technical_cost_note_invalid",
        ),
        ({"non_technical_costs": "equipment"}, "non_technical_costs", "non_technical_costs_invalid"),
        (
            {"non_technical_costs": [{"item": "other", "amount": "1"}] * 21},
            "non_technical_costs",
            "non_technical_costs_invalid",
        ),
        ({"contract_type": "loan"}, "contract_type", "contract_type_unknown"),
        ({"contract_type": ""}, "contract_type", "contract_type_required"),
        ({"seller_nature": "99"}, "seller_nature", "seller_nature_unknown"),
        ({"buyer_nature": ""}, "buyer_nature", "buyer_nature_required"),
        ({"buyer_region": "999999"}, "buyer_region", "buyer_region_unknown"),
        ({"buyer_region": "21AB00"}, "buyer_region", "buyer_region_unknown"),
        ({"buyer_region": "219900"}, "buyer_region", "buyer_region_unknown"),
        ({"buyer_region": ""}, "buyer_region", "buyer_region_required"),
        ({"buyer_country": "999"}, "buyer_country", "buyer_country_unknown"),
        ({"buyer_country": "840"}, "buyer_region", "buyer_region_abroad"),
        ({"seller_country": "840", "seller_region": ""}, "seller_country", "seller_country_not_china"),
        ({"seller_region": "220100"}, "seller_region", "seller_region_outside_point"),
        ({"seller_region": "2101"}, "seller_region", "seller_region_unknown"),
        ({"tech_field": "12"}, "tech_field", "tech_field_unknown"),
        ({"ip_type": "magic"}, "ip_type", "ip_type_unknown"),
        ({"objective": "99"}, "objective", "objective_unknown"),
        ({"plan_source": "lottery"}, "plan_source", "plan_source_unknown"),
        ({"field": "no-such-field"}, "field", "field_unknown"),
        ({"name": ""}, "name", "name_required"),
        ({"name": "合同\x07名称"}, "name", "name_invalid"),
        ({"name": "合同\n名称"}, "name", "name_invalid"),
        ({"name": "长" * 201}, "name", "name_invalid"),
        ({"buyer_name": "x\x1b[31m"}, "buyer_name", "buyer_name_invalid"),
        ({"signed_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "signed_on", "signed_on_out_of_range"),
        ({"signed_on": "1999-12-31"}, "signed_on", "signed_on_out_of_range"),
        ({"signed_on": "2026-02-30"}, "signed_on", "signed_on_out_of_range"),
        ({"signed_on": None}, "signed_on", "signed_on_required"),
        ({"valid_from": "0001-01-01"}, "valid_from", "valid_from_out_of_range"),
        ({"valid_until": "9999-12-31"}, "valid_until", "valid_until_out_of_range"),
        ({"valid_until": (TODAY - dt.timedelta(days=20)).isoformat()}, "valid_until", "valid_until_before_valid_from"),
        (
            {
                "valid_from": (TODAY - dt.timedelta(days=40)).isoformat(),
                "valid_until": (TODAY - dt.timedelta(days=20)).isoformat(),
            },
            "valid_until",
            "valid_until_before_signed_on",
        ),
        ({"expected_investment": "1000"}, "expected_investment", "expected_investment_not_applicable"),
        ({"expected_output": "1000"}, "expected_output", "expected_output_not_applicable"),
        ({"contract_type": "transfer_patent"}, "expected_investment", "expected_investment_required"),
        (
            {"contract_type": "transfer_secret", "expected_investment": "5000000"},
            "expected_output",
            "expected_output_required",
        ),
        (
            {"contract_type": "transfer_application", "expected_investment": "x", "expected_output": "1"},
            "expected_investment",
            "expected_investment_invalid",
        ),
        ({"point_id": None}, "point_id", "point_required"),
        ({"point_id": 999999}, "point_id", "point_unknown"),
        ({"point_id": True}, "point_id", "point_unknown"),
        ({"listing_id": 999999}, "listing_id", "listing_unknown"),
        ({"buyer_organization_id": 999999}, "buyer_organization_id", "buyer_organization_unknown"),
    ],
)
def test_each_rule_has_its_code(point, seller, extra, field, code):
    data = contract_data(point, **extra)
    if code is None:
        contract_submit(actor=seller, data=data)
        return
    exc = refused(seller, data)
    assert exc.details["codes"][field] == code
    assert exc.details[field]
    assert exc.status == 422


def test_the_first_broken_rule_is_the_errors_code_and_all_are_listed(point, seller):
    exc = refused(seller, contract_data(point, contract_type="loan", technology_amount="2000000"))
    assert exc.code == "contract_type_unknown"
    assert exc.details["codes"] == {
        "contract_type": "contract_type_unknown",
        "technology_amount": "technology_amount_exceeds_total",
    }


def test_technology_amount_equals_contract_amount_less_costs(point, seller):
    c = contract_submit(
        actor=seller,
        data=contract_data(
            point,
            contract_amount="1000000.00",
            technology_amount="650000.50",
            non_technical_costs=[
                {"item": "equipment", "amount": "200000"},
                {"item": "raw_materials", "amount": "149999.50"},
            ],
        ),
    )
    assert str(c.technology_amount) == "650000.50"


def test_transfer_takes_expected_investment_and_output(point, seller):
    c = contract_submit(
        actor=seller,
        data=contract_data(
            point, contract_type="transfer_patent", expected_investment="5000000", expected_output="20000000"
        ),
    )
    assert c.expected_investment == 5000000 and c.expected_output == 20000000


def test_a_buyer_abroad_is_coded_by_country(point, seller):
    c = contract_submit(actor=seller, data=contract_data(point, buyer_country="392", buyer_region=""))
    assert c.buyer_country == "392" and c.buyer_region == ""


def test_a_buyer_elsewhere_in_china_by_its_province_code(point, seller):
    c = contract_submit(actor=seller, data=contract_data(point, buyer_region="110108"))
    assert c.buyer_region == "110108"


def test_seller_and_buyer_cannot_be_the_same(point, seller, org_ln):
    exc = refused(seller, contract_data(point, buyer_name=org_ln.name))
    assert exc.details["codes"]["buyer_name"] == "buyer_same_as_seller"


def test_a_listing_of_neither_party_is_refused(point, seller):
    other = ListingFactory()
    exc = refused(seller, contract_data(point, listing_id=other.pk))
    assert exc.details["codes"]["listing_id"] == "listing_not_of_parties"


def test_anonymous_is_401_before_validation(point):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        contract_submit(actor=AnonymousUser(), data={"name": "\x00"})


def test_someone_else_cannot_submit_for_the_seller(point, users, org_jl):
    stranger = users["org_admin"]  # of org_ln; org_jl is not theirs
    with pytest.raises(PermissionDenied):
        contract_submit(actor=stranger, data=contract_data(point, seller_organization_id=org_jl.pk))


def test_an_expert_cannot_submit(point, users):
    with pytest.raises(PermissionDenied):
        contract_submit(
            actor=users["expert"], data=contract_data(point, seller_organization_id=OrganizationFactory().pk)
        )


def test_the_operator_may_submit_a_seller_without_an_organisation(point, users):
    c = contract_submit(
        actor=users["province"], data=contract_data(point, seller_name="沈阳某研究所", seller_region="210100")
    )
    assert c.seller_organization is None and c.seller_name == "沈阳某研究所"


def test_every_code_is_documented_once():
    assert all(isinstance(v, str) and v for v in CODES.values())


def test_an_operator_with_an_organisation_is_not_taken_for_the_seller(point, users, org_jl):
    operator = users["province"]
    operator.organization = org_jl
    operator.save()
    c = contract_submit(actor=operator, data=contract_data(point, seller_name="沈阳某研究所", seller_region="210100"))
    assert c.seller_organization is None and c.seller_name == "沈阳某研究所"
