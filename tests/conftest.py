"""Shared fixtures: reference data, users of every role, API clients."""

import pytest
from django.test import Client

from tests.factories import OrganizationFactory, UserFactory, grant

# the shared Playwright browser and page fixtures (one browser per test process)
pytest_plugins = ["tests.playwright_fixtures"]

# Tests that ask for these commit, and the database is emptied after each: they cannot run inside
# the shared reference transaction.
TRANSACTIONAL = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


class SharedReference:
    """The reference data, loaded once into a transaction that stays open across consecutive tests
    that ask for `reference`; each test still runs in its own savepoint inside it (the `db`
    fixture), so what a test writes is rolled back and the reference data is exactly as loaded.
    Loading it per test cost ~0.1 s on SQLite and ~0.7 s on PostgreSQL, for ~1,500 tests.

    Before each test (pytest_runtest_setup, ahead of its fixtures): a test that asks for
    `reference` opens the transaction if it is closed; any other test of the database closes it
    (rolled back), so it sees an empty database as before, and a transactional test commits
    outside it. The transaction is opened and closed only when no other atomic block is open (the
    module-scoped worlds of some modules open their own), so blocks always nest."""

    def __init__(self):
        self.blocker = None  # pytest-django's, once the test database exists
        self.atomic = None

    def wanted(self, item) -> bool:
        names = set(getattr(item, "fixturenames", ()))
        if "reference" not in names or names & TRANSACTIONAL:
            return False
        marker = item.get_closest_marker("django_db")
        return not (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))

    def uses_db(self, item) -> bool:
        names = set(getattr(item, "fixturenames", ()))
        return bool(item.get_closest_marker("django_db") or names & (TRANSACTIONAL | {"db", "_django_db_helper"}))

    def prepare(self, item) -> None:
        if self.blocker is None:
            return
        from django.db import connection

        wanted = self.wanted(item)
        with self.blocker.unblock():
            if wanted and self.atomic is None and not connection.atomic_blocks:
                self.open()
            elif (
                not wanted
                and self.uses_db(item)  # a test without the database cannot see the data: left open
                and self.atomic is not None
                and connection.atomic_blocks == [self.atomic]
            ):
                self.close()

    def open(self) -> None:
        from django.core.management import call_command
        from django.db import transaction

        atomic = transaction.atomic()
        atomic._from_testcase = True  # as the test case's own blocks: durable blocks may nest in it
        atomic.__enter__()
        self.atomic = atomic
        try:
            call_command("load_reference", verbosity=0)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        from django.db import connection, transaction

        atomic, self.atomic = self.atomic, None
        if atomic is not None and connection.atomic_blocks and connection.atomic_blocks[-1] is atomic:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def covers(self) -> bool:
        from django.db import connection

        return self.atomic is not None and self.atomic in connection.atomic_blocks


shared_reference = SharedReference()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    shared_reference.prepare(item)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; the shared reference transaction is closed before they go."""
    shared_reference.blocker = django_db_blocker
    yield
    with django_db_blocker.unblock():
        shared_reference.close()
    shared_reference.blocker = None


@pytest.fixture
def reference(db):
    """The Action's reference data, loaded as `make run` loads it (once for a run of tests, see
    SharedReference; loaded here when the shared transaction is not open — a transactional test,
    the session's first test)."""
    if not shared_reference.covers():
        from django.core.management import call_command

        call_command("load_reference", verbosity=0)


@pytest.fixture
def liaoning(reference):
    from nesta.core.models import Region

    return Region.objects.get(code="210000")


@pytest.fixture
def jilin(reference):
    from nesta.core.models import Region

    return Region.objects.get(code="220000")


@pytest.fixture
def org_ln(reference):
    """An organisation in Liaoning (沈阳)."""
    return OrganizationFactory(province_code="210000", city_code="210100")


@pytest.fixture
def org_jl(reference):
    """An organisation in Jilin (长春)."""
    return OrganizationFactory(province_code="220000", city_code="220100")


@pytest.fixture
def users(reference, org_ln, org_jl):
    """One user per role; organisation roles sit in org_ln, the province role in Liaoning."""
    from nesta.core.models import Region

    ln = Region.objects.get(code="210000")
    result = {
        "office": grant(UserFactory(username="t_office"), "office"),
        "province": grant(UserFactory(username="t_province"), "province", province=ln),
        "org_admin": grant(UserFactory(username="t_admin", organization=org_ln), "org_admin", organization=org_ln),
        "instrument_manager": grant(
            UserFactory(username="t_manager", organization=org_ln), "instrument_manager", organization=org_ln
        ),
        "expert": grant(UserFactory(username="t_expert"), "expert"),
        "member": grant(UserFactory(username="t_member", organization=org_ln), "member", organization=org_ln),
    }
    return result


@pytest.fixture
def api_client():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def bearer(user) -> dict[str, str]:
    from nesta.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


@pytest.fixture
def auth_headers():
    return bearer


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a report cached by an earlier test in the same
    process (the openness ranking is cached per year) must not stand in for this test's data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Simplified Chinese): a test that switched this
    process's thread to English must not leak it into the next (texts written outside a request —
    notification titles, mail subjects — are in the active language)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
