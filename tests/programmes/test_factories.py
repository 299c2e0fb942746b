"""The shared factories build valid records (the parts' tests start from them)."""

import pytest

from tests.programmes.factories import ApplicationFactory, expert

pytestmark = pytest.mark.django_db


def test_factories(reference):
    app = ApplicationFactory()
    e = expert(fields=("machinery",))
    assert app.budget_items.count() == 4 and app.call.criteria.count() == 2 and app.call.rounds.count() == 1
    assert e.expert_profile and e.affiliations.count() == 1
