"""The matcher's own inverted index (nesta/market/matching/index.py): kept in step with every
write of a listing inside its transaction, its statistics exact, rebuilt by reindex, and the
bounded draw close to the exhaustive BM25 top 20 at a constant number of queries."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nesta.market.matching import candidates as C
from nesta.market.matching import index as I
from nesta.market.matching import weights as W
from nesta.market.matching.engine import top_matches
from nesta.market.matching.scoring import build_query
from nesta.market.matching.thesaurus import current
from nesta.market.models import (
    Listing,
    MatchBlock,
    MatchDocument,
    MatchKindStat,
    MatchPosting,
    MatchTerm,
    MatchTermStat,
)
from nesta.market.services.listings import listings_expire
from tests.market.matching.helpers import achievement, block_postings, demand, noise, org

pytestmark = pytest.mark.django_db

CAST = {"title": "铸件缩松缺陷控制技术", "summary": "消除铸件缩孔缩松，提高致密度。", "keywords": "缩松"}


def expected() -> tuple[Counter, Counter, set]:
    """The index as a rebuild from the listings would hold it."""
    th = current()
    df: Counter = Counter()
    kinds: Counter = Counter()
    postings = set()
    terms = dict(MatchTerm.objects.values_list("term", "id"))
    for x in Listing.objects.filter(status__in=C.ON_MARKET).select_related("province", "city", "field"):
        tokens = I.document_tokens(x, th)
        kinds[(x.kind, "docs")] += 1
        kinds[(x.kind, "length")] += len(tokens)
        for t, tf in Counter(tokens).items():
            df[(terms[t], I.KIND_CODES[x.kind])] += 1
            postings.add((terms[t], I.KIND_CODES[x.kind], I.impact(tf, len(tokens)), x.pk))
    return df, kinds, postings


def stored() -> tuple[Counter, Counter, set]:
    df = Counter({(s.term_id, s.kind): s.df for s in MatchTermStat.objects.all() if s.df})
    kinds: Counter = Counter()
    for k in MatchKindStat.objects.all():
        if k.docs:
            kinds[(k.kind, "docs")] = k.docs
            kinds[(k.kind, "length")] = k.length
    postings = set(MatchPosting.objects.values_list("term_id", "kind", "impact", "listing_id"))
    return df, kinds, postings


def assert_in_step():
    assert stored() == expected()
    assert block_postings() == stored()[2]  # the packed blocks hold the same postings
    on_market = set(Listing.objects.filter(status__in=C.ON_MARKET).values_list("pk", flat=True))
    assert set(MatchDocument.objects.values_list("listing_id", flat=True)) == on_market


def df_of(term: str, kind: str = "achievement") -> int:
    coll = C.collection((kind,), [term])
    return int(coll.df.get(term, 0))


def test_postings_follow_publish_edit_withdraw_expire_and_delete(reference):
    a = achievement(**CAST)
    b = achievement(**CAST, status="negotiating")
    achievement(**CAST, status="draft")
    assert MatchPosting.objects.filter(listing_id=a.pk).exists()
    assert df_of("缩松") == 2
    assert_in_step()
    # an edit replaces the postings: the old words go, the new ones come
    a.summary = "消除铸件热裂，改善补缩。"
    a.save()
    assert_in_step()
    assert df_of("热裂") == 1
    # a save that changes nothing the matcher reads writes nothing
    with CaptureQueriesContext(connection) as ctx:
        a.save()
    assert not any("matchposting" in q["sql"].lower() for q in ctx.captured_queries)
    b.status = "withdrawn"
    b.save()
    assert df_of("缩松") == 1 and not MatchPosting.objects.filter(listing_id=b.pk).exists()
    assert_in_step()
    # expiry (the periodic job, through the lifecycle) takes it out too
    Listing.objects.filter(pk=a.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert listings_expire() == 1
    assert df_of("热裂") == 0 and not MatchDocument.objects.filter(listing_id=a.pk).exists()
    assert_in_step()
    # publishing again brings it back; deleting the row removes it
    a.refresh_from_db()
    a.status = "published"
    a.save()
    assert df_of("热裂") == 1
    a.delete()
    assert df_of("热裂") == 0
    assert_in_step()


def test_a_kind_change_moves_the_frequencies(reference):
    x = achievement(**CAST)
    x.kind = "capacity"
    x.details = {}
    x.maturity = ""
    x.save()
    assert df_of("缩松", "achievement") == 0 and df_of("缩松", "capacity") == 1
    assert_in_step()


def test_a_rolled_back_write_leaves_nothing(reference):
    achievement(**CAST)
    before = stored()
    with pytest.raises(RuntimeError), transaction.atomic():
        achievement(**CAST)
        y = Listing.objects.filter(status="published").first()
        y.status = "withdrawn"
        y.save()
        raise RuntimeError
    assert stored() == before
    assert_in_step()


def test_reindex_rebuilds_the_same_index(reference):
    noise()
    achievement(**CAST)
    before = stored()
    MatchPosting.objects.all().delete()
    MatchTermStat.objects.all().delete()
    MatchBlock.objects.all().delete()
    assert C.reindex() == Listing.objects.filter(status__in=C.ON_MARKET).count()
    assert stored() == before
    assert_in_step()


def test_the_bounded_draw_finds_the_exhaustive_top_20(reference, monkeypatch):
    """A corpus where every word is common: the draw reads a few postings per word, yet finds
    (almost) every listing of the exhaustive BM25 top 20."""
    import random

    rng = random.Random(7)
    words = ["铸件", "缩松", "气孔", "铝合金", "压铸", "熔体", "除气", "热处理", "变形", "裂纹", "焊缝", "硬度"]
    owner = org()
    for i in range(120):
        picked = rng.sample(words, rng.randint(2, 7))
        title = f"技术{i}" + "".join(picked[:2])
        achievement(title, "，".join(picked) + "。", keywords=",".join(picked[2:4]), owner=owner)
    queries = [
        demand("铸件缩松气孔", "铝合金压铸件有气孔和缩松，熔体除气不好。"),
        demand("焊缝裂纹", "焊缝裂纹多，硬度不够，热处理后变形。"),
    ]
    monkeypatch.setattr(W, "POSTING_BUDGET", 200)
    monkeypatch.setattr(W, "TERM_CAP", 10**9)
    monkeypatch.setattr(W, "TERM_FLOOR", 20)
    monkeypatch.setattr(W, "CANDIDATES", 60)
    drawn = [[m.listing.pk for m in top_matches(q, method="bm25")] for q in queries]
    query, _c, _e = build_query(queries[0], current(), hybrid=False)
    coll = C.collection(C.complement_kinds("demand"), query)
    assert sum(rows for _t, _k, rows, _w in C.plan(query, coll)) < sum(coll.df.values()) * 2 / 3  # a bounded read
    for name, value in (("POSTING_BUDGET", 10**9), ("TERM_CAP", 10**9), ("CANDIDATES", 10**9), ("MERGE_TWINS", False)):
        monkeypatch.setattr(W, name, value)
    exact = [[m.listing.pk for m in top_matches(q, method="bm25")] for q in queries]
    recall = sum(len(set(d) & set(e)) for d, e in zip(drawn, exact, strict=True)) / sum(len(e) for e in exact)
    assert all(len(e) == 20 for e in exact)
    assert recall >= 0.9


def test_top_matches_reads_a_constant_number_of_queries(reference, monkeypatch):
    from nesta.market.matching import thesaurus as T

    need = demand("铸件缩松", "铸件缩松缺陷多，寻求控制技术。")
    achievement(**CAST)
    top_matches(need)  # the thesaurus and the taxonomy are loaded once per process
    monkeypatch.setattr(T, "CHECK_EVERY", 10**9)  # and the thesaurus' version looked at every 5 s
    with CaptureQueriesContext(connection) as small:
        assert len(top_matches(need)) == 1
    for i in range(30):
        achievement(f"铸件缩松缺陷控制技术{i}", "消除铸件缩孔缩松，提高致密度。")
    with CaptureQueriesContext(connection) as large:
        assert len(top_matches(need)) == 20
    # statistics (2), the draw (1), the pool's rows (1), the matches shown (1)
    assert len(small.captured_queries) == len(large.captured_queries) == 5
