"""The demo instruments' managers and the payer accounts of the organisations that book.

Managers: most demo instruments (90 %, drawn per instrument from the seed) are managed by an
instrument_manager of their owner organisation: manager01–manager05 for the first five
organisations (demo accounts, listed by `manage.py demo_accounts`), mgr00012-style accounts for
the others, each the first directory Person of the organisation not yet linked to an account (its
name, e-mail and phone), else a generated name. Payer accounts (经费账户): two or three per
organisation whose demo users book — a long-lived 经费卡 without a limit, a research project with a
spending limit, for some an expired one. Both steps are idempotent (an organisation that has
accounts gets none added) and also fill in a database loaded before they existed."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from nesta.demo.generator import ORG_KEY, OrgSpec, demo_password, person_name

MANAGED_SHARE = 0.9
NAMED_MANAGERS = 5  # manager01–manager05: organisations 0–4


def _rng(seed: int, what: str, i: int | str) -> random.Random:
    return random.Random(f"{seed}:{what}:{i}")


def has_manager(seed: int, instrument_index: int) -> bool:
    return _rng(seed, "managed", instrument_index).random() < MANAGED_SHARE


def manager_username(org_index: int) -> str:
    return f"manager{org_index + 1:02d}" if org_index < NAMED_MANAGERS else f"mgr{org_index:05d}"


def load_managers(seed: int, specs: list, orgs: list[OrgSpec], say: Callable[[str], None]) -> int:
    """Create the missing manager accounts and link them to their instruments; returns new links."""
    from nesta.accounts.models import RoleAssignment, User
    from nesta.directory.models import Organization, Person
    from nesta.instruments.models import Instrument

    managed = [s for s in specs if has_manager(seed, s.index)]
    owner_indexes = sorted({s.owner_index for s in managed})
    org_objects = {
        o.reference_key: o
        for o in Organization.objects.filter(reference_key__in=[ORG_KEY.format(k) for k in owner_indexes])
    }
    by_index = {k: org_objects[ORG_KEY.format(k)] for k in owner_indexes if ORG_KEY.format(k) in org_objects}
    names = {k: manager_username(k) for k in by_index}
    users = {u.username: u for u in User.objects.filter(username__in=names.values()).select_related("person")}
    linked_people = {u.pk for u in users.values() if _person(u) is not None}
    free_people: dict[int, Person] = {}
    for p in Person.objects.filter(organization__in=list(by_index.values()), user__isnull=True).order_by("id"):
        free_people.setdefault(p.organization_id, p)
    password_hash = None
    new_users, people = [], []
    for k, org in by_index.items():
        username = names[k]
        person = free_people.get(org.pk)
        user = users.get(username)
        if user is None:
            password_hash = password_hash or make_password(demo_password())
            display = person.name if person else person_name(_rng(seed, "manager", k))[0]
            email = (person.email if person and person.email else "") or f"{username}@{orgs[k].domain}"
            user = User(username=username, password=password_hash, display_name=display, email=email, organization=org)
            new_users.append(user)
            users[username] = user
        if person is not None and user.pk not in linked_people:
            people.append((person, user))
            if user.pk is not None and user.display_name != person.name:  # a named manager: the person's name
                user.display_name, user.email = person.name, user.email or person.email
                user.save(update_fields=["display_name", "email"])
        if user.pk is not None and not user.email:
            user.email = f"{username}@{orgs[k].domain}"
            user.save(update_fields=["email"])
    User.objects.bulk_create(new_users, batch_size=500)
    for person, user in people:
        person.user = user
    Person.objects.bulk_update([p for p, _ in people], ["user"], batch_size=500)
    has_role = set(
        RoleAssignment.objects.filter(user__in=list(users.values()), role="instrument_manager").values_list(
            "user_id", flat=True
        )
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=users[names[k]], role="instrument_manager", organization=org)
            for k, org in by_index.items()
            if users[names[k]].pk not in has_role
        ]
    )
    instruments = dict(
        Instrument.objects.filter(reference_key__in=[s.key for s in managed]).values_list("reference_key", "pk")
    )
    through = Instrument.managers.through
    wanted = {
        (instruments[s.key], users[names[s.owner_index]].pk)
        for s in managed
        if s.key in instruments and s.owner_index in names
    }
    present = set(
        through.objects.filter(instrument_id__in=list(instruments.values())).values_list("instrument_id", "user_id")
    )
    links = [through(instrument_id=i, user_id=u) for i, u in sorted(wanted - present)]
    through.objects.bulk_create(links, batch_size=1000)
    if new_users or links:
        say(f"  instrument managers: {len(new_users)} accounts, {len(links)} instruments assigned")
    return len(links)


def _person(user):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return user.person
    except ObjectDoesNotExist:
        return None


# --- payer accounts ------------------------------------------------------------------------------

FUNDERS = [
    ("国家自然科学基金面上项目", "NSFC"),
    ("国家重点研发计划课题", "NKRD"),
    ("省科技厅重点研发项目", "PKRD"),
    ("横向合作项目", "HX"),
    ("省自然科学基金项目", "PNSF"),
]


@dataclass
class AccountSpec:
    code: str
    name: str
    kind: str
    valid_from: date
    valid_until: date
    limit: Decimal | None


def account_specs(seed: int, org_key: str, today: date) -> list[AccountSpec]:
    """The accounts of one organisation (deterministic from the seed and its reference key)."""
    rng = _rng(seed, "accounts", org_key)
    serial = int(org_key.rsplit("-", 1)[-1])
    specs = [
        AccountSpec(
            code=f"JF{serial:05d}-01",
            name="课题组公共经费卡",
            kind="card",
            valid_from=today - timedelta(days=3 * 365),
            valid_until=today + timedelta(days=rng.randint(400, 1100)),
            limit=None,
        )
    ]
    funder, prefix = rng.choice(FUNDERS)
    specs.append(
        AccountSpec(
            code=f"{prefix}-{today.year - rng.randint(0, 2)}{rng.randint(1000, 9999)}",
            name=funder,
            kind="project",
            valid_from=today - timedelta(days=rng.randint(200, 700)),
            valid_until=today + timedelta(days=rng.randint(90, 900)),
            limit=Decimal(rng.choice([50_000, 80_000, 120_000, 200_000, 300_000])),
        )
    )
    if rng.random() < 0.5:
        ended = today - timedelta(days=rng.randint(60, 250))
        specs.append(
            AccountSpec(
                code=f"JF{serial:05d}-{ended.year - 3}",
                name="已结题项目经费",
                kind="project",
                valid_from=ended - timedelta(days=3 * 365),
                valid_until=ended,
                limit=Decimal(rng.choice([30_000, 60_000])),
            )
        )
    return specs


def load_payer_accounts(seed: int, users: list, today: date, say: Callable[[str], None]) -> dict[int, list]:
    """The payer accounts of the organisations of `users` (created when missing), by organisation
    id; the holder is the organisation's first demo user (its admin, where it has one)."""
    from nesta.directory.models import Organization
    from nesta.instruments.models import PayerAccount

    holders: dict[int, object] = {}
    for u in sorted(users, key=lambda u: (not u.username.startswith("admin"), u.username)):
        if u.organization_id:
            holders.setdefault(u.organization_id, u)
    keys = dict(Organization.objects.filter(pk__in=list(holders)).values_list("pk", "reference_key"))
    existing: dict[int, list] = {}
    for a in PayerAccount.objects.filter(organization_id__in=list(keys)).order_by("id"):
        existing.setdefault(a.organization_id, []).append(a)
    new = []
    result: dict[int, list] = {}
    for org_id, key in sorted(keys.items()):
        if not key:
            continue
        if org_id in existing:  # loaded before (on another day the dates, and codes, would differ)
            result[org_id] = existing[org_id]
            continue
        for spec in account_specs(seed, key, today):
            account = PayerAccount(
                organization_id=org_id,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                holder=holders[org_id],
                valid_from=spec.valid_from,
                valid_until=spec.valid_until,
                spending_limit=spec.limit,
            )
            new.append(account)
            result.setdefault(org_id, []).append(account)
    PayerAccount.objects.bulk_create(new, batch_size=500)
    if new:
        say(f"  payer accounts: {len(new)}")
    return result


def account_for(accounts: list, day: date, rng: random.Random) -> object | None:
    """An account valid on `day` (the project one two times in five, where valid)."""
    valid = [
        a
        for a in accounts
        if (a.valid_from is None or a.valid_from <= day) and (a.valid_until is None or day <= a.valid_until)
    ]
    if not valid:
        return None
    limited = [a for a in valid if a.spending_limit is not None]
    if limited and rng.random() < 0.4:
        return rng.choice(limited)
    return next((a for a in valid if a.spending_limit is None), valid[0])


def unlimited(accounts: list) -> object | None:
    return next((a for a in accounts if a.spending_limit is None), None)
