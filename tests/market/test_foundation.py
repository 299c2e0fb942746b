"""The market's shared contracts: every kind's details validate, the database holds the rules
it can hold, and the factories build valid records."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from nesta.core.errors import ValidationFailed
from nesta.market.kinds import COMPLEMENTS, KIND_DETAILS, KIND_FACETS, validate_details
from nesta.market.models import ContractSerial, ListingKind
from tests.market.factories import DETAILS, ListingFactory, RegistrationPointFactory

pytestmark = pytest.mark.django_db


def test_every_kind_has_details_facets_and_complements():
    assert set(KIND_DETAILS) == set(KIND_FACETS) == set(COMPLEMENTS) == set(ListingKind.values)
    for kind, partners in COMPLEMENTS.items():
        assert partners and kind not in partners


@pytest.mark.parametrize("kind", ListingKind.values)
def test_the_factory_details_of_each_kind_validate(kind):
    clean = validate_details(kind, DETAILS[kind])
    assert isinstance(clean, dict) and clean


def test_details_report_the_field_of_each_broken_rule():
    with pytest.raises(ValidationFailed) as exc:
        validate_details("demand", {"problem": "x", "cooperation_modes": ["barter"], "surprise": 1})
    fields = set(exc.value.details)
    assert {"details.problem", "details.cooperation_modes", "details.surprise"} <= fields


def test_details_refuse_control_characters_and_unknown_kinds():
    with pytest.raises(ValidationFailed) as exc:
        validate_details("agri_variety", {"product": "大豆\x07"})
    assert "details.product" in exc.value.details
    with pytest.raises(ValidationFailed) as exc:
        validate_details("spaceship", {})
    assert "kind" in exc.value.details


def test_price_range_is_ordered_in_the_database(reference):
    with pytest.raises(IntegrityError), transaction.atomic():
        ListingFactory(price_low=Decimal(10), price_high=Decimal(5))


def test_contract_serials_are_unique_per_point_and_year(reference):
    point = RegistrationPointFactory()
    ContractSerial.objects.create(point=point, year=2026, last=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractSerial.objects.create(point=point, year=2026, last=2)
    assert point.number_prefix == "210101" or point.number_prefix.startswith("2101")
