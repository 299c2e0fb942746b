"""List selectors run a fixed number of queries, however many rows a page holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.core.models import TaxonomyNode
from nesta.directory.models import Affiliation, ExpertProfile
from nesta.directory.selectors import OrganizationFilters, PersonFilters, organization_list, person_list
from nesta.directory.services import directory_reindex
from tests.core.world import rolled_back
from tests.factories import OrganizationFactory, PersonFactory


@pytest.fixture(scope="module")
def directory_rows(reference_module, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield _build()


@pytest.fixture
def directory(directory_rows, db):
    return directory_rows


def _build():
    fields = list(TaxonomyNode.objects.filter(code__in=["superalloys", "wind-energy", "software"]))
    zone = OrganizationFactory._meta.model.objects.get(reference_key="zone-shenyang")
    orgs = []
    for i in range(60):
        org = OrganizationFactory(
            name=f"焊接装备企业{i}",
            kind="enterprise",
            zone=zone if i % 2 else None,
            province_code="210000",
            city_code="210100" if i % 3 else None,
        )
        org.fields.set(fields[: i % 4])
        orgs.append(org)
        person = PersonFactory(name=f"焊接专家{i}", organization=org, keywords="焊接 机器人")
        person.fields.set(fields[: i % 3])
        Affiliation.objects.create(person=person, organization=orgs[i // 2], start_year=2000)
        if i % 2:
            ExpertProfile.objects.create(person=person, expertise="焊接工艺")
    directory_reindex()
    return orgs


def _count(call, touch) -> tuple[int, object]:
    """Queries to fetch a page and read everything a list shows of its rows."""
    with CaptureQueriesContext(connection) as ctx:
        page = call()
        touch(page)
    return len(ctx.captured_queries), page


def _touch_organizations(page):
    """What a list template reads of each row: all of it must be loaded already."""
    seen = []
    for org in page.items:
        seen += [org.province.name, org.city.name if org.city else None, org.zone.name if org.zone else None]
        seen += [f.name for f in org.fields.all()]
    return seen


def _touch_people(page):
    seen = []
    for person in page.items:
        org = person.organization
        seen += [org.name, org.province.name, org.city.name if org.city else None]
        seen.append(getattr(person, "expert_profile", None))
        seen += [f.name for f in person.fields.all()]
        seen += [a.organization.name for a in person.affiliations.all()]
    return seen


@pytest.mark.parametrize(
    "filters,with_facets,expected",
    [
        (OrganizationFilters(), False, 2),  # rows + fields
        (OrganizationFilters(kind="enterprise", province="210000"), True, 3),  # + count
        (OrganizationFilters(field="high-tech"), False, 2),  # sub-fields by subquery, no extra query
        (OrganizationFilters(q="焊接"), False, 4),  # search (candidates + their text) + rows + fields
        (OrganizationFilters(q="焊接", province="210000"), True, 8),  # + total + 3 facet queries
        (OrganizationFilters(q="焊接", private_tech=False), False, 4),
    ],
)
def test_organization_list_queries_do_not_grow_with_page_size(directory, filters, with_facets, expected):
    # The first ranked search of a process also reads the collection statistics (then cached).
    organization_list(filters=filters, limit=1, with_facets=with_facets)
    counts = []
    for limit in (5, 20, 40):
        n, page = _count(
            lambda limit=limit: organization_list(filters=filters, limit=limit, with_facets=with_facets),
            _touch_organizations,
        )
        assert len(page.items) == limit
        counts.append(n)
    assert counts == [expected] * 3


@pytest.mark.parametrize(
    "filters,expected",
    [
        (PersonFilters(), 3),  # rows + fields + affiliations
        (PersonFilters(experts_only=True), 3),
        (PersonFilters(field="new-materials"), 3),
        (PersonFilters(q="焊接", organization=None, field="high-tech"), 5),
        (PersonFilters(q="焊接"), 5),  # search (candidates + their text) + rows + fields + affiliations
        (PersonFilters(q="焊接", experts_only=True, province="210000"), 5),
    ],
)
def test_person_list_queries_do_not_grow_with_page_size(directory, filters, expected):
    person_list(filters=filters, limit=1)  # warm the collection statistics, as above
    counts = []
    for limit in (5, 10, 20):
        n, page = _count(lambda limit=limit: person_list(filters=filters, limit=limit), _touch_people)
        assert len(page.items) == limit
        counts.append(n)
    assert counts == [expected] * 3


def test_second_page_costs_the_same(directory, django_assert_max_num_queries):
    first = organization_list(filters=OrganizationFilters(q="焊接"), limit=20)
    with django_assert_max_num_queries(4):
        second = organization_list(filters=OrganizationFilters(q="焊接"), cursor=first.next_cursor, limit=20)
        _touch_organizations(second)
    assert len(second.items) == 20
    assert not {o.pk for o in first.items} & {o.pk for o in second.items}
