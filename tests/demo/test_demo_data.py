"""demo_data: deterministic, idempotent, valid, searchable; demo accounts with their roles."""

import io
import re

import pytest
from django.core.management import call_command

from nesta.demo.generator import (
    KIND_CYCLE,
    ORG_KEY,
    generate_organizations,
    generate_people,
    people_count,
)

SCALE = 60
SEED = 2026


def load(scale: int = SCALE, seed: int = SEED) -> str:
    out = io.StringIO()
    call_command("demo_data", scale=scale, seed=seed, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    from nesta.accounts.models import RoleAssignment, User
    from nesta.core.models import SearchDocument
    from nesta.directory.models import Affiliation, ExpertProfile, Organization, Person

    models = [
        Organization,
        Person,
        ExpertProfile,
        Affiliation,
        SearchDocument,
        User,
        RoleAssignment,
        Organization.fields.through,
        Person.fields.through,
    ]
    return {m.__name__: m.objects.count() for m in models}


# --- generation --------------------------------------------------------------------------


def test_same_seed_same_records_and_larger_scale_only_adds():
    first = generate_organizations(SCALE, SEED)
    assert first == generate_organizations(SCALE, SEED)
    assert generate_organizations(2 * SCALE, SEED)[:SCALE] == first
    assert [o.name for o in generate_organizations(SCALE, SEED + 1)] != [o.name for o in first]
    assert generate_people(first, SEED) == generate_people(generate_organizations(SCALE, SEED), SEED)


def test_generated_names_are_unique_and_realistic():
    orgs = generate_organizations(3000, SEED)
    names = [o.name for o in orgs]
    assert len(set(names)) == len(names)
    assert not any(re.search(r"测试|\d", n) for n in names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff（）]{4,40}", n) for n in names)
    assert len({o.uscc for o in orgs if o.uscc}) == len([o for o in orgs if o.uscc]) > 0.85 * len(orgs)


def test_cities_are_weighted_and_phones_use_their_area_code():
    orgs = generate_organizations(3000, SEED)
    by_city: dict[str, int] = {}
    for o in orgs:
        by_city[o.city_code] = by_city.get(o.city_code, 0) + 1
    biggest = sorted(by_city, key=by_city.get, reverse=True)[:4]
    assert set(biggest) == {"210100", "210200", "220100", "230100"}  # 沈阳 大连 长春 哈尔滨
    shenyang = next(o for o in orgs if o.city_code == "210100")
    assert re.fullmatch(r"024-[2-8]\d{7}", shenyang.contact_phone)
    harbin = next(o for o in orgs if o.city_code == "230100")
    assert harbin.contact_phone.startswith("0451-") and harbin.postal_code.startswith("15")
    assert harbin.address.startswith("黑龙江省哈尔滨市") and harbin.address.endswith("号")


# --- loading -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_loaded_records_match_the_generator():
    from nesta.directory.models import Organization, Person

    load()
    expected = generate_organizations(SCALE, SEED)
    loaded = dict(
        Organization.objects.filter(reference_key__startswith="demo-org-").values_list("reference_key", "name")
    )
    assert loaded == {o.key: o.name for o in expected}
    assert Person.objects.filter(reference_key__startswith="demo-person-").count() == people_count(SCALE)
    org = Organization.objects.get(reference_key=ORG_KEY.format(5))
    assert sorted(org.fields.values_list("code", flat=True)) == sorted(expected[5].fields)


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    from nesta.core.search import unindex
    from nesta.directory.models import Person

    load()
    before = counts()
    assert "already loaded" in load()
    assert counts() == before
    # A partial load (here: the last person is missing) is completed, not duplicated.
    last = Person.objects.get(reference_key=f"demo-person-{people_count(SCALE) - 1:06d}")
    unindex("person", last.pk)
    last.delete()
    load()
    assert counts() == before


@pytest.mark.django_db
def test_every_kind_province_and_flag_appears():
    from nesta.directory.models import ExpertProfile, Organization, OrganizationKind, Person

    load()
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == set(OrganizationKind.values)
    assert set(KIND_CYCLE) | {"high_tech_zone"} == kinds
    assert set(Organization.objects.values_list("province__code", flat=True)) == {"210000", "220000", "230000"}
    assert Organization.objects.filter(city__level="city").count() == Organization.objects.count()
    demo = Organization.objects.filter(reference_key__startswith="demo-org-")
    assert demo.filter(kind="enterprise").count() > SCALE / 3
    assert demo.filter(is_private_tech_enterprise=True).exists()
    assert not demo.filter(is_private_tech_enterprise=True).exclude(kind="enterprise").exists()
    in_zone = demo.filter(zone__isnull=False).select_related("zone")
    assert in_zone.exists() and all(o.city_id == o.zone.city_id for o in in_zone)
    experts = ExpertProfile.objects.count()
    assert experts == people_count(SCALE) // 3
    for person in Person.objects.filter(expert_profile__isnull=False).prefetch_related("affiliations"):
        assert 1 <= len(person.affiliations.all()) <= 2
        assert person.affiliations.all()[0].organization_id is not None


@pytest.mark.django_db
def test_every_record_passes_model_validation_and_uscc_is_valid():
    from nesta.directory.models import Organization, Person
    from nesta.directory.validators import validate_uscc

    load()
    demo = Organization.objects.filter(reference_key__startswith="demo-org-")
    for org in demo:
        org.full_clean(exclude=["fields"])
        if org.uscc:
            validate_uscc(org.uscc)
            assert org.uscc[2:8] == org.city.code
    assert demo.filter(uscc__isnull=False).count() >= 0.8 * SCALE
    for person in Person.objects.filter(reference_key__startswith="demo-person-")[:100]:
        person.full_clean(exclude=["fields", "user"])


@pytest.mark.django_db
def test_search_finds_a_demo_organisation_by_a_word_of_its_name():
    from nesta.core.search import query_tokens
    from nesta.directory.models import Organization
    from nesta.directory.selectors import OrganizationFilters, organization_list

    load()
    cities = {"沈阳", "大连", "长春", "哈尔滨", "吉林", "辽宁", "黑龙江", "有限公司", "公司", "中心"}
    for org in Organization.objects.filter(reference_key__startswith="demo-org-", kind="enterprise")[:10]:
        word = max((t for t in query_tokens(org.name) if t not in cities), key=len)
        page = organization_list(filters=OrganizationFilters(q=word, province=org.province.code), limit=100)
        assert org in page.items, (org.name, word)
        assert organization_list(filters=OrganizationFilters(q=org.name), limit=5).items[0] == org


@pytest.mark.django_db
def test_demo_accounts_and_their_roles(monkeypatch):
    from nesta.accounts.models import User

    monkeypatch.setenv("DEMO_PASSWORD", "another-pass-77")
    load()

    def roles(username):
        user = User.objects.get(username=username)
        return user, [
            (r.role, r.province.code if r.province_id else None, r.organization_id) for r in user.role_assignments.all()
        ]

    user, granted = roles("office")
    assert granted == [("office", None, None)]
    assert user.check_password("another-pass-77") and re.fullmatch(r"[\u4e00-\u9fff]{2,3}", user.display_name)
    for username, code in (("liaoning", "210000"), ("jilin", "220000"), ("heilongjiang", "230000")):
        assert roles(username)[1] == [("province", code, None)]
    admin_orgs = set()
    for k in range(1, 11):
        user, granted = roles(f"admin{k:02d}")
        assert granted == [("org_admin", None, user.organization_id)] and user.organization_id
        admin_orgs.add(user.organization_id)
    assert len(admin_orgs) == 10
    member_orgs = set()
    for k in range(1, 21):
        user, granted = roles(f"member{k:02d}")
        assert granted == [("member", None, user.organization_id)] and user.organization_id
        member_orgs.add(user.organization_id)
    assert len(member_orgs) == 20
    people = set()
    for k in range(1, 51):
        user, granted = roles(f"expert{k:02d}")
        assert granted == [("expert", None, None)]
        assert user.person.expert_profile and user.display_name == user.person.name
        people.add(user.person.pk)
    assert len(people) == 50
    # the seven zones' management committees and the incubators' administrators (issue 11)
    for k in range(1, 8):
        user, granted = roles(f"zone{k:02d}")
        assert granted == [("org_admin", None, user.organization_id)] and user.organization.kind == "high_tech_zone"
    incubator_admins = User.objects.filter(username__startswith="incubator")
    for user in incubator_admins:
        assert roles(user.username)[1] == [("org_admin", None, user.organization_id)]
        assert user.organization.incubator is not None
    # and five instrument managers, and the staff of the seven contract registration points
    others = User.objects.exclude(username__startswith="mgr").exclude(username__startswith="zone")
    assert others.exclude(username__startswith="incubator").count() == 85 + 5 + 7  # with finance01
    assert User.objects.filter(username__startswith="regpoint").count() == 7


@pytest.mark.django_db
def test_accounts_exist_at_the_smallest_scale_and_the_listing_shows_them():
    from nesta.accounts.models import User

    load(scale=20)
    assert User.objects.filter(username__in=["expert50", "member20", "admin10"]).count() == 3
    out = io.StringIO()
    call_command("demo_accounts", port=8123, stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    assert "demo-2026" in text
    for username in ("office", "liaoning", "admin01", "expert50", "member20"):
        assert re.search(rf"^\s+{username}\s", text, re.M), username


@pytest.mark.django_db
def test_scale_below_minimum_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        load(scale=5)
