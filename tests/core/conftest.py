import pytest

from tests.core.world import reference_loaded


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    """The reference data, loaded once per module and rolled back after it."""
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def reference(reference_module, db):
    """Overrides the root conftest's per-test load: same data, loaded once per module."""
