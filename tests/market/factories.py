"""factory_boy factories of the market (reference data must be loaded)."""

import datetime as dt

import factory
from django.utils import timezone

from nesta.core.models import Region, TaxonomyNode
from nesta.market.models import Listing, ListingKind, ListingStatus, RegistrationPoint
from tests.factories import OrganizationFactory

# Valid `details` per kind: the smallest a real listing of the kind would carry.
DETAILS = {
    ListingKind.ACHIEVEMENT: {
        "transfer_modes": ["license"],
        "ip_items": [{"type": "invention_patent", "number": "ZL201910000001.1"}],
    },
    ListingKind.DEMAND: {"problem": "铸件表面老是有砂眼，合格率只有八成", "cooperation_modes": ["commissioned"]},
    ListingKind.PROPERTY_RIGHT: {"asset": "某公司30%股权", "asset_type": "equity", "appraised_value": "5000000.00"},
    ListingKind.FINANCING: {"stage": "a"},
    ListingKind.INVESTOR: {"stages": ["angel", "a"]},
    ListingKind.CAPACITY: {"processes": ["casting", "heat_treatment"]},
    ListingKind.OUTSOURCING: {"processes": ["cnc"]},
    ListingKind.AGRI_VARIETY: {"product": "大豆"},
    ListingKind.AGRI_SUPPLY: {"product": "玉米", "quantity_tonnes": "500"},
    ListingKind.AGRI_DEMAND: {"product": "玉米", "quantity_tonnes": "200"},
    ListingKind.SERVICE: {"service_type": "consulting"},
}
FACETS = {
    ListingKind.ACHIEVEMENT: {
        "maturity": "pilot",
        "ip_type": "invention_patent",
        "price_low": 500000,
        "price_high": 500000,
    },
    ListingKind.PROPERTY_RIGHT: {"price_low": 5000000},
    ListingKind.FINANCING: {"price_low": 10000000, "price_high": 20000000},
    ListingKind.INVESTOR: {"price_low": 1000000, "price_high": 30000000},
}


class ListingFactory(factory.django.DjangoModelFactory):
    """A published listing of `kind` (default: achievement) with valid details for its kind.
    Written straight to the table: tests of the services build theirs through the services."""

    class Meta:
        model = Listing
        exclude = ("field_code",)

    kind = ListingKind.ACHIEVEMENT
    status = ListingStatus.PUBLISHED
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"高性能铸造铝合金成套技术{n}")
    summary = "面向汽车轻量化的高强韧铸造铝合金及其熔体净化、缩松缺陷控制技术。"
    keywords = "铸造,铝合金,缩松"
    field_code = "automotive"
    field = factory.LazyAttribute(lambda o: TaxonomyNode.objects.get(code=o.field_code))
    province = factory.LazyAttribute(lambda o: o.organization.province)
    city = factory.LazyAttribute(lambda o: o.organization.city)
    contact_name = "王工"
    contact_phone = "024-12345678"
    contact_email = "contact@example.cn"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    published_at = factory.LazyFunction(timezone.now)
    details = factory.LazyAttribute(lambda o: dict(DETAILS[o.kind]))
    maturity = factory.LazyAttribute(lambda o: FACETS.get(o.kind, {}).get("maturity", ""))
    ip_type = factory.LazyAttribute(lambda o: FACETS.get(o.kind, {}).get("ip_type", ""))
    price_low = factory.LazyAttribute(lambda o: FACETS.get(o.kind, {}).get("price_low"))
    price_high = factory.LazyAttribute(lambda o: FACETS.get(o.kind, {}).get("price_high"))


class RegistrationPointFactory(factory.django.DjangoModelFactory):
    """A registration point of a technology market in 沈阳 (province 21, city 01)."""

    class Meta:
        model = RegistrationPoint
        exclude = ("city_code",)

    city_code = "210100"
    organization = factory.SubFactory(
        OrganizationFactory, kind="technology_market", name=factory.Sequence(lambda n: f"技术市场{n}")
    )
    name = factory.Sequence(lambda n: f"技术合同登记点{n}")
    city = factory.LazyAttribute(lambda o: Region.objects.get(code=o.city_code))
    province = factory.LazyAttribute(lambda o: o.city.parent)
    point_code = factory.Sequence(lambda n: f"{n % 100:02d}")
