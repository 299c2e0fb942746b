"""The packed posting blocks (nesta/market/matching/blocks.py): every write keeps them holding
exactly the postings table, each posting in a block whose key is at or above it, split when they
grow; a build packs the same postings; the pruned top k read from them equals the exhaustive top
k on random indexes, also after incremental edits with blocks small enough to split often."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from django.db import connection, transaction

from nesta.market.matching import blocks as B
from nesta.market.matching import candidates as C
from nesta.market.matching import index as I
from nesta.market.matching import pruning as P
from nesta.market.models import MatchBlock, MatchPosting
from tests.market.matching.helpers import block_postings
from tests.market.matching.test_match_pruning import (  # small_draw: a fixture
    KINDS,
    corpus,
    exhaustive,
    random_query,
    small_draw,  # noqa: F401
)

pytestmark = pytest.mark.django_db


def postings() -> set[tuple[int, int, int, int]]:
    return set(MatchPosting.objects.values_list("term_id", "kind", "impact", "listing_id"))


@pytest.fixture
def tiny_blocks(monkeypatch):
    monkeypatch.setattr(B, "BLOCK", 3)
    monkeypatch.setattr(B, "SPLIT", 6)


def test_pack_round_trip():
    keys = sorted(B._key(imp, oid) for imp, oid in [(1, 7), (1000, 2**31 - 2), (500, 1), (500, 3)])
    ids, imps = B.unpack(*B.pack(keys))
    assert ids.tolist() == [7, 1, 3, 2**31 - 2] and imps.tolist() == [1, 500, 500, 1000]


def test_incremental_writes_keep_the_blocks_equal_to_the_postings(tiny_blocks):
    rng = random.Random(21)
    docs = {d[0]: d for d in corpus(rng, 120, short=True)}
    I.apply([], list(docs.values()), fresh=True)
    assert block_postings() == postings()
    assert MatchBlock.objects.filter(n__gt=B.SPLIT).count() == 0  # grown blocks were split
    for step in range(6):
        gone = rng.sample(sorted(docs), 15)
        edited = [(pk, docs[pk][1], docs[pk][2][: rng.randint(1, 5)] + ["新词"]) for pk in gone[:8]]
        I.apply([docs.pop(pk) for pk in gone], edited)
        docs.update((d[0], d) for d in edited)
        fresh = corpus(random.Random(step), 10, short=False)
        fresh = [(1000 + 10 * step + pk, kind, tokens) for pk, kind, tokens in fresh]
        I.apply([], fresh, fresh=True)
        docs.update((d[0], d) for d in fresh)
        assert block_postings() == postings()
    before = block_postings()
    assert B.build() == len(before)  # a build packs the same postings, in full blocks
    assert block_postings() == before
    assert set(MatchBlock.objects.values_list("n", flat=True)) <= {1, 2, 3}


def test_removing_an_absent_posting_changes_nothing(tiny_blocks):
    docs = corpus(random.Random(3), 20, short=True)
    I.apply([], docs, fresh=True)
    before = block_postings()
    term_id, kind, imp, oid = sorted(before)[0]
    B.change([(term_id, kind, imp, oid + 10_000), (10**6, 0, 1, 1)], [])
    assert block_postings() == before


def test_a_posting_left_above_its_range_is_still_read_and_removed(tiny_blocks):
    """What a concurrent split can leave: a posting in a higher block than its range. Reads
    select blocks by key, so they find it, and a delete looks further up for it."""
    docs = corpus(random.Random(5), 60, short=True)
    I.apply([], docs, fresh=True)
    B.build()
    counts: dict[tuple[int, int], int] = {}
    for key in MatchBlock.objects.values_list("term_id", "kind"):
        counts[key] = counts.get(key, 0) + 1
    term_id, kind = min(key for key, n in counts.items() if n >= 2)
    first, last = (
        MatchBlock.objects.filter(term_id=term_id, kind=kind).order_by(*o)[0]
        for o in (("hi_impact", "hi_listing"), ("-hi_impact", "-hi_listing"))
    )
    moved = B.unpack(bytes(first.ids), bytes(first.impacts))
    oid, imp = int(moved[0][0]), int(moved[1][0])
    for b, keys in ((first, moved), (last, B.unpack(bytes(last.ids), bytes(last.impacts)))):
        pairs = sorted(zip(keys[1].tolist(), keys[0].tolist(), strict=True))
        pairs = [p for p in pairs if p != (imp, oid)] if b is first else sorted([*pairs, (imp, oid)])
        packed = B.pack([B._key(i, o) for i, o in pairs])
        MatchBlock.objects.filter(pk=b.pk).update(n=len(pairs), top=pairs[-1][0], ids=packed[0], impacts=packed[1])
    got = {(i, k): (ids.tolist(), imps.tolist()) for i, k, ids, imps in B.fetch([(term_id, (kind,), imp)])}
    assert oid in got[(0, kind)][0]
    B.change([(term_id, kind, imp, oid)], [])
    assert (term_id, kind, imp, oid) not in block_postings()


@pytest.mark.usefixtures("small_draw", "tiny_blocks")
@pytest.mark.parametrize(("seed", "short", "arms"), [(11, True, 450), (12, False, 450), (13, True, 2)])
def test_pruned_top_k_from_blocks_equals_the_exhaustive_top_k(monkeypatch, seed, short, arms):
    """Read from the blocks (numpy bounds), after incremental edits, over one or several
    statements: the same list, the same scores as every document scored by hand."""
    monkeypatch.setattr(B, "MAX_ARMS", arms)
    rng = random.Random(seed)
    docs = {d[0]: d for d in corpus(rng, 300, short=short)}
    I.apply([], list(docs.values()), fresh=True)
    gone = rng.sample(sorted(docs), 40)
    edited = [(pk, docs[pk][1], list(reversed(docs[pk][2]))[: rng.randint(2, 40)]) for pk in gone[:20]]
    I.apply([docs.pop(pk) for pk in gone], edited)
    docs.update((d[0], d) for d in edited)
    pruned_somewhere = False
    for _ in range(12):
        query = random_query(rng)
        kinds = tuple(sorted(rng.sample(KINDS, rng.randint(1, 3))))
        coll = C.collection(kinds, query)
        k = rng.choice([1, 5, 10, 20])
        exclude = rng.choice([None, rng.choice(sorted(docs))])
        want = exhaustive(list(docs.values()), query, coll, k, exclude)
        got = P.top_k(query, coll, k, exclude=exclude)
        assert [oid for _raw, _parts, oid in got] == [pk for _raw, pk in want]
        assert [round(raw, 9) for raw, _p, _o in got] == [round(raw, 9) for raw, _pk in want]
        pruned_somewhere |= P.LAST["ranges"] > 0 and P.LAST["unread"] > 0
    assert pruned_somewhere


@pytest.mark.usefixtures("small_draw")
def test_block_read_gives_the_sql_reads_bounds():
    """The numpy read returns what the exact-bound SQL read does (same documents, same sums)."""
    rng = random.Random(17)
    docs = corpus(rng, 300, short=False)
    I.apply([], docs, fresh=True)
    compared = 0
    for _ in range(10):
        query = random_query(rng)
        coll = C.collection(KINDS, query)
        m, big = P._ratio(coll)
        theta = rng.uniform(0.5, 6.0)
        arms, residual = P.plan(query, coll, theta)
        if not arms:
            continue
        P.LINEAR = False
        try:
            by_sql = {r[0]: r for r in P._read(arms, residual, theta, m, big)}
        finally:
            P.LINEAR = True
        by_blocks = {r[0]: r for r in P._read_blocks(arms, residual, theta, m, big)}
        assert by_blocks.keys() == by_sql.keys()
        for oid, row in by_blocks.items():
            assert row[1] == by_sql[oid][1]
            assert np.isclose(row[2], float(by_sql[oid][2]), rtol=1e-9, atol=1e-9)
            assert np.isclose(row[3], float(by_sql[oid][3]), rtol=1e-9, atol=1e-9)
        compared += len(by_blocks)
    assert compared > 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_posting(tiny_blocks):
    """Writers sharing every word edit the same blocks at once (PostgreSQL: the blocks are
    locked in key order; SQLite serialises writers): the blocks still hold exactly the postings."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    workers = 6
    rng = random.Random(8)
    batches = [
        [(100 * w + i, "service", [f"词{rng.randint(0, 5)}" for _ in range(6)]) for i in range(12)]
        for w in range(workers)
    ]
    barrier = threading.Barrier(workers)

    def run(w: int) -> None:
        try:
            barrier.wait(timeout=30)
            for doc in batches[w]:
                with transaction.atomic():
                    I.apply([], [doc], fresh=True)
            with transaction.atomic():
                I.apply(batches[w][:4], [])
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, range(workers)))
    assert block_postings() == postings()
    assert len({p[3] for p in postings()}) == workers * 8
