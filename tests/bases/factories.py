"""factory_boy factories of the innovation bases (reference data must be loaded)."""

import datetime as dt

import factory

from nesta.bases.models import Base, BaseLevel, BaseReport, BaseStatus, BaseType
from nesta.core.models import TaxonomyNode
from tests.factories import OrganizationFactory


class BaseFactory(factory.django.DjangoModelFactory):
    """A national key laboratory hosted by a university in 沈阳, in the 新材料 field."""

    class Meta:
        model = Base

    organization = factory.SubFactory(
        OrganizationFactory, kind="key_laboratory", name=factory.Sequence(lambda n: f"材料重点实验室{n}")
    )
    host = factory.SubFactory(OrganizationFactory, kind="university", name=factory.Sequence(lambda n: f"东北大学{n}"))
    base_type = BaseType.KEY_LABORATORY
    level = BaseLevel.NATIONAL
    field = factory.LazyFunction(lambda: TaxonomyNode.objects.filter(depth__gte=1).order_by("sort_order").first())
    established_on = dt.date(2004, 6, 1)
    status = BaseStatus.OPERATING


class BaseReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaseReport

    base = factory.SubFactory(BaseFactory)
    year = 2025
    fixed_staff = 60
    senior_staff = 30
    doctorate_staff = 40
    papers = 120
