"""Fixtures of the negotiation tests: a listing owned by an organisation in Liaoning, an interested
organisation in Jilin, a third organisation, and one person per role around them."""

from types import SimpleNamespace

import pytest

from nesta.core.models import Region
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import ListingFactory


@pytest.fixture
def world(reference):
    ln = Region.objects.get(code="210000")
    jl = Region.objects.get(code="220000")
    owner_org = OrganizationFactory(province_code="210000", city_code="210100", name="沈阳铸造研究所")
    party_org = OrganizationFactory(
        province_code="220000", city_code="220100", name="长春汽车零部件有限公司", kind="enterprise"
    )
    third_org = OrganizationFactory(province_code="210000", city_code="210100", name="大连某公司", kind="enterprise")
    owner = grant(
        UserFactory(username="n_owner", email="owner@example.cn", organization=owner_org),
        "org_admin",
        organization=owner_org,
    )
    owner_member = grant(UserFactory(username="n_owner_m", organization=owner_org), "member", organization=owner_org)
    party = grant(
        UserFactory(username="n_party", email="party@example.cn", organization=party_org),
        "member",
        organization=party_org,
    )
    party_admin = grant(UserFactory(username="n_party_a", organization=party_org), "org_admin", organization=party_org)
    third = grant(UserFactory(username="n_third", organization=third_org), "member", organization=third_org)
    office = grant(UserFactory(username="n_office"), "office")
    province_ln = grant(UserFactory(username="n_prov_ln"), "province", province=ln)
    province_jl = grant(UserFactory(username="n_prov_jl"), "province", province=jl)
    expert = grant(UserFactory(username="n_expert"), "expert")
    loner = UserFactory(username="n_loner")  # signed in, no role, no organisation
    listing = ListingFactory(organization=owner_org, created_by=owner, title="铸件砂眼缺陷控制技术")
    return SimpleNamespace(
        owner_org=owner_org,
        party_org=party_org,
        third_org=third_org,
        owner=owner,
        owner_member=owner_member,
        party=party,
        party_admin=party_admin,
        third=third,
        office=office,
        province_ln=province_ln,
        province_jl=province_jl,
        expert=expert,
        loner=loner,
        listing=listing,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
