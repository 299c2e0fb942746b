"""Fixtures of the matching tests: a fresh matcher (its caches hold statistics per database)."""

import pytest

from nesta.market.matching.engine import reset_caches


@pytest.fixture(autouse=True)
def _fresh_matcher():
    reset_caches()
    yield
    reset_caches()
