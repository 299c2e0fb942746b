"""factory_boy factories for the domain models."""

import factory
from django.contrib.auth import get_user_model

from nesta.core.models import Region
from nesta.directory.models import Organization, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-2026-x")


def grant(user, role, *, province=None, organization=None):
    from nesta.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=role, province=province, organization=organization)
    return user


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Pass province_code / city_code (GB/T 2260); reference data must be loaded."""

    class Meta:
        model = Organization
        exclude = ("province_code", "city_code")

    province_code = "210000"
    city_code = "210100"
    name = factory.Sequence(lambda n: f"测试研究院{n}")
    kind = "research_institute"
    province = factory.LazyAttribute(lambda o: Region.objects.get(code=o.province_code))
    city = factory.LazyAttribute(lambda o: Region.objects.get(code=o.city_code) if o.city_code else None)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    title = "研究员"


class InstrumentFactory(factory.django.DjangoModelFactory):
    """An open, in-use instrument owned by `owner` (reference data must be loaded)."""

    class Meta:
        model = "instruments.Instrument"

    owner = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"场发射扫描电镜{n}")
    category = factory.LazyFunction(
        lambda: __import__("nesta.instruments.models", fromlist=["x"]).InstrumentCategory.objects.get(code="0104")
    )
    original_value = 1_200_000
    province = factory.LazyAttribute(lambda o: o.owner.province)
    city = factory.LazyAttribute(lambda o: o.owner.city)
    internal_hourly_rate = 200
    external_hourly_rate = 400
