"""The search selector: filters, facet counts, the field tree, statuses, paging and the two
ranking paths (core.search for few matches, the in-memory columns for many) agreeing."""

from collections import Counter

import pytest

from nesta.core import search
from nesta.core.errors import BadRequest, ValidationFailed
from nesta.core.pagination import encode_cursor
from nesta.market.models import PUBLIC_STATUSES, Listing
from nesta.market.selectors import search as selectors
from nesta.market.selectors.facets import price_band
from nesta.market.selectors.search import ListingFilters, listing_search

pytestmark = pytest.mark.django_db


def expected_facets(listings: list[Listing], statuses=("published", "negotiating")) -> dict[str, Counter]:
    """The facet counts worked out by hand from the listings themselves."""
    chosen = [x for x in listings if x.status in statuses]
    ancestors = Counter()
    for x in chosen:
        node = x.field
        while node is not None:
            ancestors[node.code] += 1
            node = node.parent
    return {
        "kind": Counter(x.kind for x in chosen),
        "province": Counter(x.province.code for x in chosen),
        "field": ancestors,
        "status": Counter(x.status for x in listings if x.status in PUBLIC_STATUSES),
        "maturity": Counter(x.maturity for x in chosen if x.maturity),
        "ip_type": Counter(x.ip_type for x in chosen if x.ip_type),
        "price_band": Counter(
            price_band(price_low=x.price_low, price_high=x.price_high, negotiable=x.price_negotiable) for x in chosen
        ),
    }


def as_counters(facets):
    return {k: Counter(v) for k, v in facets.items()}


def test_facets_without_a_query_count_every_public_listing(market):
    page = listing_search(filters=ListingFilters())
    listings = list(Listing.objects.select_related("field__parent__parent", "province"))
    assert as_counters(page.facets) == expected_facets(listings)
    assert page.total == 6  # published and negotiating; dealt counted only in the status facet
    assert page.facets["status"] == {"published": 5, "negotiating": 1, "dealt": 1}


def test_facets_of_a_query_count_its_matches(market):
    page = listing_search(filters=ListingFilters(q="铝合金"))
    matched = [market[k] for k in ("alloy", "capacity", "dealt")]
    for x in matched:
        x.refresh_from_db()
    assert {x.pk for x in page.items} == {market["alloy"].pk, market["capacity"].pk}
    assert as_counters(page.facets) == expected_facets(matched)
    assert page.total == 2


def test_a_parent_field_includes_its_children(market):
    # 新材料 holds 高温合金 and 稀土永磁; 高新技术产业 holds 新材料
    for code in ("new-materials", "high-tech"):
        page = listing_search(filters=ListingFilters(field=code))
        assert {x.pk for x in page.items} == {market["superalloy"].pk, market["magnet"].pk}
        with_query = listing_search(filters=ListingFilters(q="技术", field=code))
        assert {x.pk for x in with_query.items} == {market["superalloy"].pk, market["magnet"].pk}
    page = listing_search(filters=ListingFilters())
    assert (
        page.facets["field"]["new-materials"]
        == 2
        == (page.facets["field"]["superalloys"] + page.facets["field"]["rare-earth-magnets"])
    )
    assert page.facets["field"]["equipment-manufacturing"] == 3  # automotive ×2 + machinery


def test_filters_combine(market):
    def ids(**kw):
        return {x.pk for x in listing_search(filters=ListingFilters(**kw)).items}

    assert ids(kind="demand") == {market["demand"].pk}
    assert ids(province="220000") == {market["superalloy"].pk, market["capacity"].pk}
    assert ids(maturity="lab") == {market["magnet"].pk}
    assert ids(ip_type="invention_patent") == {market["alloy"].pk, market["magnet"].pk}
    assert ids(price_band="gte1000") == {market["magnet"].pk}
    assert ids(price_band="10to50") == {market["demand"].pk}  # a budget of 30万
    assert ids(q="铸造", kind="achievement", province="210000") == {market["alloy"].pk}
    assert ids(organization=market["alloy"].organization_id) == {market["alloy"].pk, market["demand"].pk}


def test_statuses_default_to_published_and_negotiating(market):
    def ids(**kw):
        return {x.pk for x in listing_search(filters=ListingFilters(q="铝合金", **kw)).items}

    assert market["dealt"].pk not in ids()
    assert ids(statuses=("dealt",)) == {market["dealt"].pk}
    assert market["dealt"].pk in ids(statuses=("published", "dealt"))
    assert ids(statuses=("negotiating",)) == set()
    page = listing_search(filters=ListingFilters(statuses=("negotiating", "dealt")))
    assert {x.pk for x in page.items} == {market["magnet"].pk, market["dealt"].pk}
    assert page.total == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "rumour"},
        {"field": "no-such-field"},
        {"province": "210100"},  # a city, not a province
        {"statuses": ("withdrawn",)},
        {"maturity": "ripe"},
        {"ip_type": "trademark"},
        {"price_band": "cheap"},
        {"q": "铸造\x00"},
    ],
)
def test_bad_filter_values_are_refused_by_name(reference, bad):
    with pytest.raises(ValidationFailed) as exc:
        listing_search(filters=ListingFilters(**bad))
    name = {"statuses": "status"}.get(next(iter(bad)), next(iter(bad)))
    assert exc.value.code == f"invalid_{name}" and name in exc.value.details


def test_several_bad_values_are_refused_together(reference):
    with pytest.raises(ValidationFailed) as exc:
        listing_search(filters=ListingFilters(kind="x", price_band="y"))
    assert exc.value.code == "invalid_filters" and set(exc.value.details) == {"kind", "price_band"}


def test_newest_first_keyset_paging_visits_every_listing_once(make_listing, orgs):
    made = [make_listing(title=f"成果{i}", organization=orgs["ln"], days_ago=(i * 7) % 11) for i in range(23)]
    seen, cursor = [], None
    for _ in range(10):
        page = listing_search(filters=ListingFilters(), cursor=cursor, limit=5)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(x.pk for x in seen) == sorted(x.pk for x in made)
    keys = [(x.published_at, x.pk) for x in seen]
    assert keys == sorted(keys, reverse=True)


def test_ranked_paging_visits_every_match_once(make_listing, orgs):
    made = {make_listing(title=f"稀土永磁材料{i}号", organization=orgs["jl"]).pk for i in range(12)}
    seen, cursor = [], None
    while True:
        page = listing_search(filters=ListingFilters(q="稀土永磁"), cursor=cursor, limit=5)
        seen += [x.pk for x in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and set(seen) == made


def test_bad_cursors_are_400(market):
    for cursor in ("zzz", encode_cursor({"after": 3, "at": "yesterday"}), encode_cursor({"after": -1})):
        with pytest.raises(BadRequest):
            listing_search(filters=ListingFilters(), cursor=cursor)
    with pytest.raises(BadRequest):
        listing_search(filters=ListingFilters(), cursor=encode_cursor({"offset": 20}))


def test_a_query_without_searchable_words_matches_nothing(market):
    page = listing_search(filters=ListingFilters(q="！？。"))
    assert page.items == [] and page.total == 0


def test_the_columns_path_ranks_and_counts_as_core_search_does(make_listing, orgs, monkeypatch):
    """Past SMALL_MATCHES the selector ranks from the in-memory columns: the same order as
    core.search (blocks of 200 shortest, BM25 within), the same facets, the same pages."""
    texts = ["铸造铝合金", "铸造铝合金缩松缺陷控制", "高强铸造铝合金熔体净化与缩松控制技术", "铝合金压铸"]
    for i in range(230):  # more than one ranking block
        org = orgs[("ln", "jl", "hl")[i % 3]]
        status = ("published", "published", "negotiating", "dealt")[i % 4]
        make_listing(
            title=f"{texts[i % 4]}{'技术' * (i % 5)}{i}",
            organization=org,
            status=status,
            field_code=("automotive", "machinery", "superalloys")[i % 3],
            price_low=(None, 50000, 600000, 20_000_000)[i % 4],
            price_high=(None, 50000, 600000, 20_000_000)[i % 4],
        )
    cases = [
        ListingFilters(q="铝合金"),
        ListingFilters(q="铸造 铝合金", province="220000"),
        ListingFilters(q="铝合金", statuses=("dealt", "published"), field="equipment-manufacturing"),
    ]
    for filters in cases:
        for offset in (0, 190, 200):
            cursor = encode_cursor({"offset": offset}) if offset else None
            monkeypatch.setattr(selectors, "SMALL_MATCHES", 10**9)
            small = listing_search(filters=filters, cursor=cursor, limit=20)
            monkeypatch.setattr(selectors, "SMALL_MATCHES", 0)
            large = listing_search(filters=filters, cursor=cursor, limit=20)
            assert [x.pk for x in large.items] == [x.pk for x in small.items]
            assert large.facets == small.facets and large.total == small.total
            assert large.next_cursor == small.next_cursor
    hits = search.search("listing", "铝合金", field=["statusset-negotiating-published"], limit=20)
    monkeypatch.setattr(selectors, "SMALL_MATCHES", 0)
    assert [x.pk for x in listing_search(filters=ListingFilters(q="铝合金"), limit=20).items] == hits.ids


def test_the_columns_notice_new_and_removed_documents(make_listing, orgs, monkeypatch):
    monkeypatch.setattr(selectors, "SMALL_MATCHES", 0)
    first = make_listing(title="石墨烯导热膜", organization=orgs["ln"])
    assert [x.pk for x in listing_search(filters=ListingFilters(q="石墨烯")).items] == [first.pk]
    second = make_listing(title="石墨烯散热片", organization=orgs["jl"])
    page = listing_search(filters=ListingFilters(q="石墨烯"))
    assert {x.pk for x in page.items} == {first.pk, second.pk}
    assert page.facets["province"] == {"210000": 1, "220000": 1}
    first.status = "withdrawn"
    first.save()
    from nesta.market.services.indexing import index_listing

    index_listing(first)
    page = listing_search(filters=ListingFilters(q="石墨烯"))
    assert [x.pk for x in page.items] == [second.pk] and page.facets["province"] == {"220000": 1}


def test_a_page_costs_the_same_queries_however_many_listings(make_listing, orgs, django_assert_max_num_queries):
    for i in range(40):
        make_listing(title=f"铸造铝合金技术{i}", organization=orgs[("ln", "jl", "hl")[i % 3]])
    filters = [
        ListingFilters(),
        ListingFilters(q="铝合金"),
        ListingFilters(q="铝合金", field="equipment-manufacturing", province="210000"),
    ]
    for f in filters:
        listing_search(filters=f)  # warm core.search's cached statistics
        with django_assert_max_num_queries(7):
            page = listing_search(filters=f)
            # the cards' relations come loaded
            cards = [(x.organization.name, x.field.parent, x.province.name, x.city) for x in page.items]
        assert cards and len(cards) <= 20


def test_a_large_first_load_goes_to_a_thread_and_the_database_answers_meanwhile(make_listing, orgs, monkeypatch):
    from nesta.market.selectors import facets

    for i in range(12):
        make_listing(title=f"风电叶片除冰技术{i}", organization=orgs["hl"])
    started = []

    class FakeThread:  # the load itself is checked below, in this thread
        def __init__(self, target, args, daemon):
            started.append(args)

        def start(self):
            pass

    monkeypatch.setattr(facets, "LOAD_BUDGET", 3)
    monkeypatch.setattr(facets.threading, "Thread", FakeThread)
    monkeypatch.setattr(selectors, "SMALL_MATCHES", 0)
    meanwhile = listing_search(filters=ListingFilters(q="风电叶片"))
    assert len(started) == 1 and facets.COLUMNS.top == 0 and meanwhile.total == 12
    assert facets.COLUMNS.refresh("listing", wait=True) is True  # in chunks of LOAD_BUDGET
    loaded = listing_search(filters=ListingFilters(q="风电叶片"))
    assert [x.pk for x in loaded.items] == [x.pk for x in meanwhile.items]
    assert loaded.facets == meanwhile.facets and len(started) == 1


@pytest.mark.skipif("postgres" not in __import__("os").environ.get("DATABASE_URL", ""), reason="PostgreSQL only")
def test_posting_lists_match_as_the_text_index_does(market, orgs, monkeypatch):
    # PostgreSQL: the packed posting lists with the columns' filters find exactly what the
    # tsvector's GIN index finds, for words alone, with each kind of filter, and for none.
    from nesta.market.selectors import facets

    cases = [
        ([], {}),
        (["铝合金"], {}),
        (["铝合金"], {"kind": "achievement"}),
        (["铝合金"], {"province": "210000"}),
        (["铸造"], {"fields": ["field-equipment-manufacturing"]}),
        ([], {"kind": "demand", "province": "220000"}),
        (["技术"], {"fields": ["price-negotiable"]}),
        (["铝合金"], {"fields": [f"org-{orgs['ln'].pk}"]}),  # the organisation: the index answers
        (["没有这个词"], {}),
    ]
    found = 0
    for tokens, kw in cases:
        args = {"kind": "", "province": "", "fields": [], **kw}
        posted = facets.match_rowids("listing", tokens, **args)
        found += len(posted) > 0
        with monkeypatch.context() as m:
            m.setattr(facets, "_posted_rowids", lambda *a, **k: None)
            indexed = facets.match_rowids("listing", tokens, **args)
        assert sorted(posted.tolist()) == sorted(indexed.tolist()), (tokens, kw)
    assert found >= 6
