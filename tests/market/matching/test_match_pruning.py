"""The pruned top k (nesta/market/matching/pruning.py) equals the exhaustive BM25 top k: random
small indexes written straight through index.apply (documents of several kinds and lengths, so
the collection's mean length is far from the impacts' reference length), random weighted
queries, every document scored by hand as the oracle."""

import random

import pytest

from nesta.market.matching import candidates as C
from nesta.market.matching import index as I
from nesta.market.matching import pruning as P
from nesta.market.matching import weights as W
from nesta.market.matching.scoring import bm25
from nesta.market.models import MatchTermStat

pytestmark = pytest.mark.django_db

VOCAB = [f"词{i}" for i in range(40)]
KINDS = ("achievement", "capacity", "service")


def corpus(rng: random.Random, n: int, *, short: bool) -> list[I.Doc]:
    docs = []
    for pk in range(1, n + 1):
        length = rng.randint(3, 30) if short else rng.randint(40, 160)
        # a skewed vocabulary: low-numbered words are common, some documents repeat a word
        tokens = [VOCAB[min(len(VOCAB) - 1, int(rng.expovariate(0.12)))] for _ in range(length)]
        docs.append((pk, rng.choice(KINDS), tokens))
    return docs


def exhaustive(docs: list[I.Doc], query: dict[str, float], coll: C.Collection, k: int, exclude: int | None):
    kinds = set(coll.kinds)
    scored = []
    for pk, kind, tokens in docs:
        if kind in kinds and pk != exclude:
            raw, _parts = bm25(query, tokens, coll)
            if raw > 0:
                scored.append((raw, pk))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return scored[:k]


def random_query(rng: random.Random) -> dict[str, float]:
    words = rng.sample(VOCAB, rng.randint(2, 14))
    return {w: rng.choice([1.6, 1.4, 1.0, 0.5, 0.3]) for w in words}


@pytest.fixture
def small_draw(monkeypatch):
    """A first draw far from the whole index, so the pruning has work to do."""
    monkeypatch.setattr(W, "POSTING_BUDGET", 40)
    monkeypatch.setattr(W, "TERM_CAP", 15)
    monkeypatch.setattr(W, "TERM_FLOOR", 5)
    monkeypatch.setattr(W, "CANDIDATES", 8)
    monkeypatch.setattr(W, "PRUNE_FIRST_BUDGET", 40)
    monkeypatch.setattr(W, "PRUNE_FIRST_CANDIDATES", 8)


@pytest.mark.parametrize(
    ("seed", "short", "linear", "arms"),
    [(1, True, True, 450), (2, False, True, 450), (3, True, False, 450), (4, False, False, 450), (5, True, True, 2)],
)
def test_pruned_top_k_equals_the_exhaustive_top_k(small_draw, monkeypatch, seed, short, linear, arms):
    """Both reads (a line above the bound per range, or the bound itself with lower bounds), and
    the ranges split over several statements when they are too many for one."""
    monkeypatch.setattr(P, "LINEAR", linear)
    monkeypatch.setattr(P, "MAX_ARMS", arms)
    rng = random.Random(seed)
    docs = corpus(rng, 300, short=short)
    I.apply([], docs, fresh=True)
    pruned_somewhere = False
    for _ in range(12):
        query = random_query(rng)
        kinds = tuple(sorted(rng.sample(KINDS, rng.randint(1, 3))))
        coll = C.collection(kinds, query)
        k = rng.choice([1, 5, 10, 20])
        exclude = rng.choice([None, rng.randint(1, 300)])
        want = exhaustive(docs, query, coll, k, exclude)
        got = P.top_k(query, coll, k, exclude=exclude)
        assert [oid for _raw, _parts, oid in got] == [pk for _raw, pk in want]
        assert [round(raw, 9) for raw, _p, _o in got] == [round(raw, 9) for raw, _pk in want]
        pruned_somewhere |= P.LAST["ranges"] > 0 and P.LAST["unread"] > 0
    assert pruned_somewhere  # some lists were left (partly) unread, yet nothing was missed


def test_removed_documents_leave_a_valid_bound(small_draw):
    """Deleting a term's best posting does not lower its stored maximum: still an upper bound,
    and the top k stays exact."""
    rng = random.Random(9)
    docs = corpus(rng, 200, short=True)
    I.apply([], docs, fresh=True)
    gone, kept = docs[:60], docs[60:]
    I.apply(gone, [])
    stored = {(s.term_id, s.kind): s.max_impact for s in MatchTermStat.objects.all()}
    ids = I._term_ids(VOCAB, create=False)
    for pk, kind, tokens in kept:
        for t, _i, imp, _l in I._postings((pk, kind, tokens), ids):
            assert imp <= stored[(t, I.KIND_CODES[kind])]
    for _ in range(8):
        query = random_query(rng)
        coll = C.collection(KINDS, query)
        want = exhaustive(kept, query, coll, 10, None)
        assert [oid for _r, _p, oid in P.top_k(query, coll, 10)] == [pk for _r, pk in want]


@pytest.mark.parametrize("avgdl", [8.0, 60.0, 400.0])
def test_impact_bounds_bracket_the_real_term_frequency_part(avgdl):
    rng = random.Random(int(avgdl))
    coll = C.Collection(kinds=("achievement",), n_docs=100.0, avgdl=avgdl, df={})
    m, big = P._ratio(coll)
    for _ in range(2000):
        tf, length = rng.randint(1, 12), rng.randint(1, 900)
        tf = min(tf, length)
        real = tf / (tf + W.K1 * (1 - W.B + W.B * length / avgdl))
        i = I.impact(tf, length)
        assert P.lb(i, big) <= real + 1e-12
        assert real <= P.ub(i, m) + 1e-12
        limit = rng.uniform(0.0, 3.0)
        keep = P.below(limit, 2.5, m)
        assert 2.5 * P.ub(keep, m) <= limit + 1e-12
        assert keep == I.IMPACT_SCALE or 2.5 * P.ub(keep + 1, m) > limit
