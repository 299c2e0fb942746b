"""Full-text search, written once for both backends: the suite runs on SQLite (FTS5) and, with
DATABASE_URL set, on PostgreSQL (tsvector + GIN). Nothing here depends on which one runs,
except the test that checks the right one does."""

import base64
import json
import os

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nesta.core import search
from nesta.core.errors import BadRequest
from nesta.core.models import SearchDocument
from nesta.core.pagination import encode_cursor
from nesta.core.search import engine, index_tokens, query_tokens
from nesta.directory.selectors import OrganizationFilters, PersonFilters, organization_list, person_list
from nesta.directory.services import directory_reindex, organization_create, organization_update, person_create
from tests.factories import OrganizationFactory

NOTE = "note"  # a doc_type of its own, so the reference data's documents never interfere


def _ids(q, **kw):
    hits = search.search(NOTE, q, **kw)
    assert hits is not None, q
    return hits.ids


def test_backend_follows_the_connection(db):
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    assert engine._is_postgres() is (expected == "postgresql")
    with connection.cursor() as cur:
        if expected == "sqlite":
            cur.execute("SELECT sql FROM sqlite_master WHERE name = %s", [engine.FTS_TABLE])
            assert "fts5" in cur.fetchone()[0].lower()
        else:
            cur.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = 'core_searchdocument' AND column_name = 'tsv'"
            )
            assert cur.fetchone() == ("ALWAYS",)
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'core_searchdocument_tsv'")
            assert "gin" in cur.fetchone()[0].lower()


@pytest.fixture
def notes(db):
    texts = {
        1: "稀土永磁材料的制备工艺",
        2: "大型风能发电机组设计",
        3: "机器人焊接生产线",
        4: "钢铁冶炼与轧制",
        5: "风电塔架的焊接与风能利用",
        6: "场发射扫描电镜测试服务",
        7: "镍基高温合金叶片",
    }
    for pk, text in texts.items():
        search.index(NOTE, pk, text=text)
    return texts


# --- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize("word,expected", [("稀土", [1]), ("永磁", [1]), ("焊接", [3, 5]), ("冶炼", [4])])
def test_two_character_words_are_found(notes, word, expected):
    assert sorted(_ids(word)) == expected


def test_wind_energy(notes):
    assert sorted(_ids("风能")) == [2, 5]


def test_every_word_must_match(notes):
    assert _ids("风能 焊接") == [5]
    assert _ids("焊接风能") == [5]  # segmented into the same two words
    assert _ids("稀土 焊接") == []
    assert sorted(_ids("焊接")) == [3, 5]


def test_segmentation_keeps_taxonomy_terms_and_search_mode_parts(notes):
    assert query_tokens("高温合金") == ["高温合金"]
    assert query_tokens("稀土永磁") == ["稀土永磁"]
    assert {"扫描", "电镜", "扫描电镜"} <= set(index_tokens("扫描电镜"))
    assert {"高温", "合金", "高温合金"} <= set(index_tokens("镍基高温合金叶片"))
    for q in ("扫描电镜", "扫描", "电镜"):
        assert _ids(q) == [6], q
    for q in ("高温合金", "合金", "高温合金叶片"):
        assert _ids(q) == [7], q


def test_full_width_and_case_are_normalised(db):
    search.index(NOTE, 1, text="ＣＡＤ／ＣＡＭ软件 Ansys")
    assert _ids("cad") == [1]
    assert _ids("ANSYS") == [1]


# --- ranking -----------------------------------------------------------------------------------


def test_more_relevant_document_first(db):
    search.index(NOTE, 10, text="钢铁 冶金 机械 制造 汽车 船舶 化工 纺织 造纸 电力 煤炭 稀土 建材 食品")
    search.index(NOTE, 11, text="稀土 稀土永磁 稀土 冶金")
    search.index(NOTE, 12, text="稀土 冶金 装备")
    hits = search.search(NOTE, "稀土")
    assert hits.ids == [11, 12, 10]
    assert len(hits.scores) == 3
    assert hits.scores[0] > hits.scores[1] > hits.scores[2]  # higher is better on both backends


def test_ranking_with_two_words(db):
    # The better match has the larger id, so an unranked (id-ordered) result would fail.
    search.index(NOTE, 20, text="风能 与 焊接 以及 其他 许多 不相关 的 词语 例如 钢铁 汽车 船舶")
    search.index(NOTE, 21, text="风能 焊接 风能 焊接 风能")
    assert search.search(NOTE, "焊接 风能").ids == [21, 20]


# --- filters and facets -------------------------------------------------------------------------


@pytest.fixture
def placed(db):
    rows = [
        (1, "210000", "210100", "university", ["high-tech", "new-materials", "superalloys"]),
        (2, "210000", "210200", "enterprise", ["high-tech", "new-materials", "rare-earth-magnets"]),
        (3, "210000", "210200", "enterprise", ["high-tech", "new-energy-environment", "wind-energy"]),
        (4, "220000", "220100", "research_institute", ["high-tech", "new-materials"]),
        (5, "230000", "230100", "high_tech_zone", []),
    ]
    for pk, province, city, kind, fields in rows:
        search.index(NOTE, pk, text="新材料 研发", province_code=province, city_code=city, kind=kind, fields=fields)
    search.index("other", 99, text="新材料 研发", province_code="210000", city_code="210100", kind="university")


@pytest.mark.parametrize(
    "filters,expected",
    [
        ({}, [1, 2, 3, 4, 5]),
        ({"province": "210000"}, [1, 2, 3]),
        ({"province": "220000"}, [4]),
        ({"city": "210200"}, [2, 3]),
        ({"kind": "enterprise"}, [2, 3]),
        ({"kind": "high_tech_zone"}, [5]),
        ({"field": "new-materials"}, [1, 2, 4]),
        ({"field": "superalloys"}, [1]),
        ({"field": "high-tech"}, [1, 2, 3, 4]),
        ({"province": "210000", "kind": "enterprise", "field": "wind-energy"}, [3]),
        ({"province": "230000", "kind": "enterprise"}, []),
    ],
)
def test_filters(placed, filters, expected):
    hits = search.search(NOTE, "新材料", with_total=True, **filters)
    assert sorted(hits.ids) == expected
    assert hits.total == len(expected)


def test_facets(placed):
    assert search.facets(NOTE, "研发") == {
        "province": {"210000": 3, "220000": 1, "230000": 1},
        "city": {"210100": 1, "210200": 2, "220100": 1, "230100": 1},
        "kind": {"university": 1, "enterprise": 2, "research_institute": 1, "high_tech_zone": 1},
    }
    assert search.facets(NOTE, "研发", province="210000", field="new-materials") == {
        "province": {"210000": 2},
        "city": {"210100": 1, "210200": 1},
        "kind": {"university": 1, "enterprise": 1},
    }
    assert search.facets(NOTE, "不存在的词") == {"province": {}, "city": {}, "kind": {}}


def test_limit_offset_and_total(placed):
    everything = search.search(NOTE, "研发", limit=10).ids
    assert len(everything) == 5
    first = search.search(NOTE, "研发", limit=2, offset=0, with_total=True)
    rest = search.search(NOTE, "研发", limit=10, offset=2)
    assert first.total == 5
    assert first.ids + rest.ids == everything


# --- (re-)indexing --------------------------------------------------------------------------------


def test_reindex_replaces_the_old_words(db):
    search.index(NOTE, 1, text="稀土永磁")
    search.index(NOTE, 1, text="风能发电")
    assert _ids("稀土") == []
    assert _ids("风能") == [1]
    assert SearchDocument.objects.filter(doc_type=NOTE, object_id=1).count() == 1


def test_index_many_replaces_and_unindex_removes(db):
    search.index(NOTE, 1, text="稀土")
    docs = [engine.build_document(NOTE, pk, text=f"焊接 第{pk}号") for pk in (1, 2, 3)]
    assert search.index_many(docs) == 3
    assert _ids("稀土") == []
    assert sorted(_ids("焊接")) == [1, 2, 3]
    search.unindex(NOTE, 2)
    assert sorted(_ids("焊接")) == [1, 3]
    assert SearchDocument.objects.filter(doc_type=NOTE).count() == 2


def test_organisation_update_reindexes(users):
    office = users["office"]
    org = organization_create(
        actor=office, data={"name": "沈阳稀土研究所", "kind": "research_institute", "province": "210000"}
    )
    assert search.search("organization", "稀土").ids == [org.pk]
    organization_update(
        actor=office, organization=org, data={"name": "沈阳焊接研究所", "fields": ["wind-energy"], "city": "210100"}
    )
    assert search.search("organization", "稀土").ids == []
    assert search.search("organization", "焊接").ids == [org.pk]
    assert search.search("organization", "风能").ids == [org.pk]  # the field's name is indexed too
    assert search.search("organization", "焊接", city="210100", field="new-energy-environment").ids == [org.pk]
    assert SearchDocument.objects.filter(doc_type="organization", object_id=org.pk).count() == 1


def test_directory_reindex_indexes_factory_rows(reference):
    org = OrganizationFactory(name="大庆石油化工研究院", province_code="230000", city_code="230600")
    assert search.search("organization", "石油化工").ids == []
    directory_reindex()
    assert search.search("organization", "石油化工", province="230000", city="230600").ids == [org.pk]


# --- queries that are not words -----------------------------------------------------------------


@pytest.mark.parametrize("q", ["", "   ", "，。！？", "……——", "()*:-\"'", "_", "___", "😀"])
def test_query_without_words_returns_none(notes, q):
    assert search.search(NOTE, q) is None
    assert search.facets(NOTE, q) == {}


def test_list_falls_back_when_query_has_no_words(users, org_ln):
    page = organization_list(filters=OrganizationFilters(q="！！"))
    assert page.items == []  # listed without ranking, filtered by name
    OrganizationFactory(name="焊接！！中心", province_code="210000", city_code="210100")
    assert [o.name for o in organization_list(filters=OrganizationFilters(q="！！")).items] == ["焊接！！中心"]


SPECIAL = [
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "稀土 AND 风能",
    "稀土 OR 风能",
    "NOT 稀土",
    "NEAR(稀土 永磁)",
    "NEAR(稀土 永磁, 2)",
    '"稀土',
    '稀土"',
    '"稀土 永磁"',
    "稀土*",
    "*",
    "^稀土",
    "-稀土",
    "+稀土",
    "tokens:稀土",
    "filters:torganization",
    "{tokens filters}: 稀土",
    "(稀土",
    "稀土)",
    "((稀土) OR (风能))",
    "稀土 & 风能 | 焊接 ! 钢铁",
    "稀土:* <-> 风能",
    "'; DROP TABLE core_searchdocument; --",
    "1' OR '1'='1",
    "稀土\\",
    "\\' \\\" %",
    "稀土\x00永磁",
    "c++ e-mail 3.5 50% a&b",
    "稀土" * 300,
    " ".join(f"词{i}" for i in range(200)),
]


@pytest.mark.parametrize("q", SPECIAL)
def test_special_characters_never_raise(notes, q):
    hits = search.search(NOTE, q, with_total=True)
    if hits is not None:
        assert hits.total == len(hits.ids)
        assert set(hits.ids) <= set(notes)
    search.facets(NOTE, q)
    organization_list(filters=OrganizationFilters(q=q), with_facets=True)
    organization_list(filters=OrganizationFilters(q=q, private_tech=True))
    person_list(filters=PersonFilters(q=q, experts_only=True))
    # The connection is still usable (on PostgreSQL a failed statement would abort the transaction).
    assert sorted(_ids("风能")) == [2, 5]


@pytest.mark.parametrize("q", ['"稀土"', "稀土*", "-稀土", "(稀土)", "^稀土", "稀土:", "稀土\x00"])
def test_punctuation_around_a_word_is_ignored(notes, q):
    assert _ids(q) == [1]


@pytest.mark.parametrize("q", ["稀土 AND 风能", "稀土 OR 风能", "NEAR(稀土 永磁)", "tokens:稀土"])
def test_operator_words_are_plain_words(notes, q):
    """AND/OR/NEAR are searched for as words, never run as operators (no document holds them)."""
    assert _ids(q) == []


# --- ranked lists with cursors ---------------------------------------------------------------------


@pytest.fixture
def many_orgs(reference):
    orgs = []
    for i in range(45):
        orgs.append(
            OrganizationFactory(
                name=f"稀土材料企业{i:02d}",
                kind="enterprise",
                description="稀土永磁 " * (i % 4) + "冶金 装备 " * (i % 3),
                province_code="210000" if i % 2 else "220000",
                city_code="210100" if i % 2 else "220100",
            )
        )
    directory_reindex()
    return orgs


def test_cursor_pagination_over_ranked_results(many_orgs):
    filters = OrganizationFilters(q="稀土")
    one_page = organization_list(filters=filters, limit=100)
    assert len(one_page.items) == 45 and one_page.next_cursor is None

    seen, sizes, cursor = [], [], None
    while True:
        page = organization_list(filters=filters, cursor=cursor, limit=20)
        seen += [o.pk for o in page.items]
        sizes.append(len(page.items))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sizes == [20, 20, 5]
    assert len(seen) == len(set(seen)) == 45
    assert set(seen) == {o.pk for o in many_orgs}
    assert seen == [o.pk for o in one_page.items]  # same order as one long page
    # The most relevant (稀土永磁 three times, short) come before the least (稀土 only in the name).
    rank = {pk: i for i, pk in enumerate(seen)}
    best = [o.pk for i, o in enumerate(many_orgs) if i % 4 == 3 and i % 3 == 0]
    worst = [o.pk for i, o in enumerate(many_orgs) if i % 4 == 0 and i % 3 == 2]
    assert max(rank[pk] for pk in best) < min(rank[pk] for pk in worst)


def test_ranked_page_with_filters_and_facets(many_orgs):
    page = organization_list(filters=OrganizationFilters(q="稀土", province="210000"), limit=10, with_facets=True)
    assert page.total == 22
    assert len(page.items) == 10
    assert all(o.province.code == "210000" for o in page.items)
    assert page.facets["province"] == {"210000": 22}
    assert page.facets["city"] == {"210100": 22}
    assert page.facets["kind"] == {"enterprise": 22}


def test_keyset_pagination_without_query(many_orgs):
    seen, cursor = [], None
    while True:
        page = organization_list(filters=OrganizationFilters(kind="enterprise"), cursor=cursor, limit=20)
        seen += [o.pk for o in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(o.pk for o in many_orgs)


def _raw_cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


BAD_CURSORS = [
    "!!!",
    "not a cursor",
    "游标",
    "eyJvZmZzZXQiOjE",  # truncated
    _raw_cursor([1, 2]),
    _raw_cursor("offset"),
    _raw_cursor({"offset": -1}),
    _raw_cursor({"offset": "20"}),
    _raw_cursor({"offset": 1.5}),
    _raw_cursor({"offset": True}),
    _raw_cursor({"offset": 10**20}),
    _raw_cursor({"after": -5}),
    _raw_cursor({"after": None}),
    _raw_cursor({"after": 10**20}),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
@pytest.mark.parametrize("q", ["稀土", ""], ids=["ranked", "keyset"])
def test_invalid_cursor_is_a_bad_request(users, cursor, q):
    for call in (
        lambda: organization_list(filters=OrganizationFilters(q=q), cursor=cursor),
        lambda: person_list(filters=PersonFilters(q=q), cursor=cursor),
    ):
        with pytest.raises(BadRequest) as exc:
            call()
        assert (exc.value.status, exc.value.code) == (400, "invalid_cursor")


def test_empty_cursor_object_is_the_first_page(users, org_ln):
    first = organization_list(filters=OrganizationFilters(), limit=3)
    assert organization_list(filters=OrganizationFilters(), cursor=encode_cursor({}), limit=3).items == first.items
    assert len(first.items) == 3 and first.next_cursor is not None


# --- people ----------------------------------------------------------------------------------------


def test_person_search_and_experts_only(users, org_ln, org_jl):
    office = users["office"]
    expert = person_create(
        actor=office,
        data={"name": "李专家", "organization": org_ln.pk, "keywords": "焊接 机器人", "expert": {"degree": "博士"}},
    )
    plain = person_create(actor=office, data={"name": "周工", "organization": org_jl.pk, "bio": "从事焊接工艺研究"})
    assert sorted(p.pk for p in person_list(filters=PersonFilters(q="焊接")).items) == sorted([expert.pk, plain.pk])
    assert [p.pk for p in person_list(filters=PersonFilters(q="焊接", experts_only=True)).items] == [expert.pk]
    assert [p.pk for p in person_list(filters=PersonFilters(q="焊接", province="220000")).items] == [plain.pk]
    # The organisation's name is part of a person's document.
    assert [p.pk for p in person_list(filters=PersonFilters(q=org_jl.name)).items] == [plain.pk]


def test_people_follow_their_organisation_when_it_changes(users, org_ln):
    """A person's document carries the organisation's name, province and city: keep them current."""
    office = users["office"]
    person = person_create(actor=office, data={"name": "孙工", "organization": org_ln.pk, "keywords": "焊接"})
    organization_update(
        actor=office, organization=org_ln, data={"name": "长春焊接研究院", "province": "220000", "city": "220100"}
    )
    assert [p.pk for p in person_list(filters=PersonFilters(q="焊接", province="220000")).items] == [person.pk]
    assert person_list(filters=PersonFilters(q="焊接", province="210000")).items == []
    assert [p.pk for p in person_list(filters=PersonFilters(q="长春焊接研究院")).items] == [person.pk]


@pytest.mark.parametrize("q", ["e-mail", "c++", "3.5", "ISO9001", "CAD/CAM", "5G", "Ti-6Al-4V"])
def test_latin_and_number_tokens_match_on_both_backends(db, q):
    search.index(NOTE, 1, text="联系 e-mail 地址；C++ 软件 3.5 版本；ISO9001 认证；CAD/CAM；5G 通信；Ti-6Al-4V 钛合金")
    search.index(NOTE, 2, text="其他 无关 内容")
    assert _ids(q) == [1]


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(
        alphabet=st.sampled_from(list("稀土风能焊接 ANDORNEARnot*\"'():-^+{}[]|&!<>\\%_;,.，。、\x00\t\n😀ＡＢ１")),
        max_size=40,
    )
)
def test_fuzzed_queries_never_raise(notes, q):
    hits = search.search(NOTE, q, with_total=True)
    assert hits is None or (set(hits.ids) <= set(notes) and hits.total == len(hits.ids))
    search.facets(NOTE, q)


def test_a_dictionary_word_inside_a_longer_one_is_found(db):
    """高新技术产业 is one dictionary word; its inner word 高新技术 must still find the zone."""
    search.index("inner_word_test", 91, text="沈阳高新技术产业开发区")
    search.index("inner_word_test", 92, text="沈阳技术市场")
    assert "高新技术" in index_tokens("沈阳高新技术产业开发区")
    assert search.search("inner_word_test", "高新技术").ids == [91]


def test_ranking_blocks_page_without_repeats_or_gaps(db):
    """Past RANK_BLOCK matches the index hands over blocks of the shortest documents; pages cut
    from them neither repeat nor skip a row, and each block is in BM25 order."""
    n = engine.RANK_BLOCK * 2 + 37
    docs = [
        engine.build_document("block_test", i, text="焊接 " * (1 + i % 3) + "钢结构 " * (i % 7) + f"编号{i}")
        for i in range(1, n + 1)
    ]
    engine.index_many(docs)
    seen, scores, offset = [], [], 0
    while True:
        hits = search.search("block_test", "焊接", limit=30, offset=offset)
        if not hits.ids:
            break
        seen += hits.ids
        scores += hits.scores
        offset += 30
    assert sorted(seen) == list(range(1, n + 1))
    first_block = scores[: engine.RANK_BLOCK]
    assert first_block == sorted(first_block, reverse=True)


def _stats_rows(doc_type):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT term, documents, length FROM core_search_stats WHERE doc_type = %s AND documents <> 0", [doc_type]
        )
        return sorted(cur.fetchall())


def _exhaustive_rows(doc_type):
    docs = list(SearchDocument.objects.filter(doc_type=doc_type))
    counts: dict[str, int] = {}
    for d in docs:
        for t in set(d.tokens.split()):
            counts[t] = counts.get(t, 0) + 1
    head = [("", len(docs), sum(d.length for d in docs))] if docs else []
    return sorted(head + [(t, n, 0) for t, n in counts.items()])


def test_statistics_follow_index_unindex_and_orm_deletes(db):
    search.index(NOTE, 1, text="稀土永磁材料的制备工艺")
    search.index(NOTE, 2, text="稀土永磁电机")
    search.index(NOTE, 3, text="风电塔架焊接")
    assert _stats_rows(NOTE) == _exhaustive_rows(NOTE)
    search.index(NOTE, 2, text="焊接机器人")  # re-indexed: the old words leave, the new come
    search.unindex(NOTE, 3)
    SearchDocument.objects.filter(doc_type=NOTE, object_id=1).delete()  # past the engine
    search.index(NOTE, 4, text="永磁 永磁 同步电机")
    assert _stats_rows(NOTE) == _exhaustive_rows(NOTE)
    n, avgdl, idf = engine.collection_stats(NOTE, ["永磁", "焊接"])
    assert n == 2 and avgdl == sum(d.length for d in SearchDocument.objects.filter(doc_type=NOTE)) / 2
    assert idf["永磁"] == pytest.approx(engine._idf_of(1, 2))
    engine.rebuild_stats(NOTE)
    assert _stats_rows(NOTE) == _exhaustive_rows(NOTE)


def test_ranking_equals_exhaustive_bm25_on_a_small_index(db):
    texts = {i: ("焊接 " * (i % 3 + 1)) + ("机器人 " * (i % 2)) + f"生产线{i}" for i in range(1, 40)}
    for i, text in texts.items():
        search.index(NOTE, i, text=text)
    docs = {d.object_id: d for d in SearchDocument.objects.filter(doc_type=NOTE)}
    tokens = query_tokens("焊接 机器人")
    n = len(docs)
    avgdl = sum(d.length for d in docs.values()) / n
    df = {t: sum(t in d.tokens.split() for d in docs.values()) for t in tokens}
    idf = {t: engine._idf_of(df[t], n) for t in tokens}
    matching = [d for d in docs.values() if all(t in d.tokens.split() for t in tokens)]
    expected = sorted(matching, key=lambda d: (-engine._bm25(tokens, d.tokens, d.length, idf, avgdl), d.length, d.id))
    assert _ids("焊接 机器人", limit=50) == [d.object_id for d in expected]


def test_documents_written_past_the_engine_are_counted_once_then_kept(db, django_assert_max_num_queries):
    # A bulk load that skipped index_many and rebuild_stats: the first query counts the doc_type
    # for good (no recount per query, no expiry), and later writes keep the counters exact.
    docs = [engine.build_document(NOTE, i, text=t) for i, t in enumerate(["稀土永磁材料", "永磁电机", "焊接"], 1)]
    SearchDocument.objects.bulk_create(docs)
    assert _stats_rows(NOTE) == []
    assert _ids("永磁") and _stats_rows(NOTE) == _exhaustive_rows(NOTE)
    with django_assert_max_num_queries(2):  # the candidates, then their texts with the counters
        assert _ids("永磁")
    search.index(NOTE, 4, text="永磁 同步电机")
    search.unindex(NOTE, 3)
    assert _stats_rows(NOTE) == _exhaustive_rows(NOTE)
    n, avgdl, idf = engine.collection_stats(NOTE, ["永磁"])
    assert n == 3 and idf["永磁"] == pytest.approx(engine._idf_of(3, 3))


def test_statistics_of_a_doc_type_without_documents(db):
    assert engine.collection_stats("nothing_here", ["永磁"]) == (
        0.0,
        0.0,
        {"永磁": pytest.approx(engine._idf_of(0, 0))},
    )
