"""factory_boy factories of the programmes (reference data must be loaded).

Written straight to the tables: tests of a service build their records through the service.
Each part may add factories of its own models in its own test folder."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from nesta.core.models import TaxonomyNode
from nesta.directory.models import Affiliation, ExpertProfile
from nesta.programmes.models import (
    Application,
    ApplicationStatus,
    BudgetItem,
    Call,
    CallStatus,
    Criterion,
    Programme,
    ReviewRound,
    RoundKind,
)
from tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant


def programme(code: str = "action-special-fund") -> Programme:
    """A programme of the reference data (load_reference)."""
    return Programme.objects.get(code=code)


class CallFactory(factory.django.DjangoModelFactory):
    """An open call of the Action's special fund, accepting applications now, with two criteria
    and one 通讯评审 round of 3 reviewers each."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.LazyFunction(programme)
    code = factory.Sequence(lambda n: f"call-{n}")
    title = factory.Sequence(lambda n: f"2026年度振兴东北科技行动重点项目申报指南{n}")
    summary = "支持装备制造、新材料、农业等重点领域关键技术攻关。"
    year = 2026
    status = CallStatus.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    budget = Decimal("20000000.00")
    max_request = Decimal("3000000.00")
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create:
            return
        for i, (code, name, weight) in enumerate(
            extracted or [("innovation", "创新性", "0.5"), ("feasibility", "可行性", "0.5")]
        ):
            Criterion.objects.create(call=obj, code=code, name=name, weight=Decimal(weight), sort_order=i)

    @factory.post_generation
    def rounds(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            ReviewRound.objects.create(
                call=obj, kind=RoundKind.CORRESPONDENCE, order=1, reviewers_per_application=3, max_load=10
            )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application (status given) from an organisation in Liaoning, with a lead and a
    budget table within the indirect-cost cap."""

    class Meta:
        model = Application
        skip_postgeneration_save = True
        exclude = ("field_code",)

    call = factory.SubFactory(CallFactory)
    organization = factory.SubFactory(OrganizationFactory)
    province = factory.LazyAttribute(lambda o: o.organization.province)
    title = factory.Sequence(lambda n: f"大型铸件缩松缺陷控制关键技术研究{n}")
    summary = "针对大型铸钢件缩松、砂眼缺陷，研究凝固过程数值模拟与工艺优化。"
    keywords = "铸造,缩松,数值模拟"
    field_code = "machinery"
    field = factory.LazyAttribute(lambda o: TaxonomyNode.objects.get(code=o.field_code))
    requested_amount = Decimal("1000000.00")
    status = ApplicationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    is_private_tech = factory.LazyAttribute(lambda o: o.organization.is_private_tech_enterprise)

    @factory.post_generation
    def budget(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for category, amount in (
            ("equipment", "300000.00"),
            ("business", "400000.00"),
            ("labour", "150000.00"),
            ("indirect", "150000.00"),
        ):
            BudgetItem.objects.create(application=obj, category=category, amount=Decimal(amount))


def expert(
    name: str | None = None, *, organization=None, fields=(), keywords: str = "", expertise: str = "", user=None
):
    """A person in the expert pool (with a user holding the expert role), working at `organization`
    since 2015 (an Affiliation row, as conflict checks read)."""
    organization = organization or OrganizationFactory()
    user = user or grant(UserFactory(), "expert")
    person = PersonFactory(
        name=name or f"专家{PersonFactory._meta.next_sequence()}",
        organization=organization,
        keywords=keywords,
        user=user,
    )
    if fields:
        person.fields.set(TaxonomyNode.objects.filter(code__in=fields))
    ExpertProfile.objects.create(person=person, expertise=expertise)
    Affiliation.objects.create(person=person, organization=organization, start_year=2015)
    return person
