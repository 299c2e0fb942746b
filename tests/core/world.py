"""Data built once per test module inside a transaction that is rolled back when the module
ends; each test still runs in its own savepoint (the `db` fixture), so writes do not leak.

`reference_loaded` loads the reference data once per module (the tests/core, tests/accounts and
tests/directory conftests use it in place of the root conftest's per-test `reference`).

`build_world` makes a small, fixed world for the permission matrices:

    org_ln   沈阳, Liaoning — the organisation the org roles belong to
    org_ln2  大连, Liaoning — another organisation in the province role's province
    org_jl   长春, Jilin    — an organisation in another province
    p_ln / p_ln2 / p_jl     a person in each of them, linked to no user
    own[role]               each user's own person record, in no organisation
"""

import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction

from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant

ROLES = ["office", "province", "org_admin", "instrument_manager", "expert", "member", "finance", "anonymous"]


@dataclass
class World:
    users: dict[str, Any]
    org_ln: Any
    org_ln2: Any
    org_jl: Any
    p_ln: Any
    p_ln2: Any
    p_jl: Any
    own: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    from nesta.core.models import Region
    from nesta.directory.services import directory_reindex

    ln = Region.objects.get(code="210000")
    org_ln = OrganizationFactory(name="沈阳测试研究院", province_code="210000", city_code="210100")
    org_ln2 = OrganizationFactory(name="大连测试研究院", province_code="210000", city_code="210200")
    org_jl = OrganizationFactory(name="长春测试研究院", province_code="220000", city_code="220100")
    users = {
        "office": grant(UserFactory(username="w_office"), "office"),
        "province": grant(UserFactory(username="w_province"), "province", province=ln),
        "org_admin": grant(UserFactory(username="w_admin", organization=org_ln), "org_admin", organization=org_ln),
        "instrument_manager": grant(
            UserFactory(username="w_manager", organization=org_ln), "instrument_manager", organization=org_ln
        ),
        "expert": grant(UserFactory(username="w_expert"), "expert"),
        "member": grant(UserFactory(username="w_member", organization=org_ln), "member", organization=org_ln),
        "finance": grant(UserFactory(username="w_finance"), "finance"),
        "anonymous": AnonymousUser(),
    }
    own = {
        role: PersonFactory(name=f"本人{i}", user=user, organization=None)
        for i, (role, user) in enumerate(users.items())
        if role != "anonymous"
    }
    world = World(
        users=users,
        org_ln=org_ln,
        org_ln2=org_ln2,
        org_jl=org_jl,
        p_ln=PersonFactory(name="沈阳人员", organization=org_ln),
        p_ln2=PersonFactory(name="大连人员", organization=org_ln2),
        p_jl=PersonFactory(name="长春人员", organization=org_jl),
        own=own,
    )
    directory_reindex()  # factories bypass the services, so index what they made
    return world


@contextmanager
def rolled_back(django_db_blocker):
    """Database access in a transaction that is rolled back when the context exits."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextmanager
def reference_loaded(django_db_blocker):
    from tests.conftest import shared_reference

    with rolled_back(django_db_blocker):
        if not shared_reference.covers():  # already loaded in the enclosing shared transaction
            call_command("load_reference", verbosity=0, stdout=io.StringIO())
        yield


@contextmanager
def module_world(django_db_blocker):
    """Yield a World whose rows live until the context exits (reference data must be loaded)."""
    with rolled_back(django_db_blocker):
        yield build_world()
