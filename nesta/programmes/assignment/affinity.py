"""The affinity of an expert to an application, in [0, 1]: their texts' cosine under BM25-style
term weights, plus how close their fields are in the taxonomy.

Texts are segmented by the platform's search module (nesta.core.search.index_tokens, jieba in
search mode with the taxonomy's terms). Per call the vectors live in memory: weight of a term in
a document = idf × tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)) (Okapi BM25's saturation and
length normalisation), documents L2-normalised; the cosine of every application × expert pair is
accumulated term by term (a sparse dot product: only pairs sharing a term are touched).
"""

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nesta.core.search import index_tokens

K1 = 1.2
B = 0.75
TEXT_WEIGHT = 0.7
FIELD_WEIGHT = 0.3
# a term in more than this share of the call's documents says nothing about who fits whom
MAX_DF = 0.5

# How close two priority areas are: the same node, one inside the other, siblings, the same root.
SAME, NESTED, SIBLING, SAME_ROOT = 1.0, 0.7, 0.5, 0.25


@dataclass
class Text:
    """Parts of a document with their weights: [(text, weight)]."""

    parts: Sequence[tuple[str, float]]


def _bag(text: Text) -> dict[str, float]:
    bag: dict[str, float] = defaultdict(float)
    for part, weight in text.parts:
        for token in index_tokens(part or ""):
            # one CJK character carries no topic; one Latin letter or digit neither
            if len(token) >= 2:
                bag[token] += weight
    return bag


def _vectors(bags: list[dict[str, float]], vocab: dict[str, int], idf: np.ndarray, avglen: float) -> list[tuple]:
    out = []
    for bag in bags:
        items = [(vocab[t], tf) for t, tf in bag.items() if t in vocab]
        if not items:
            out.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)))
            continue
        ids = np.fromiter((i for i, _ in items), dtype=np.int64, count=len(items))
        tf = np.fromiter((f for _, f in items), dtype=np.float64, count=len(items))
        length = sum(bag.values())
        w = idf[ids] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avglen))
        norm = float(np.sqrt((w * w).sum())) or 1.0
        out.append((ids, (w / norm).astype(np.float32)))
    return out


def text_similarity(apps: Sequence[Text], experts: Sequence[Text]) -> np.ndarray:
    """Cosine of every application × expert, float32 (n_apps, n_experts), in [0, 1]."""
    app_bags = [_bag(t) for t in apps]
    expert_bags = [_bag(t) for t in experts]
    n_docs = len(app_bags) + len(expert_bags)
    df_a: Counter = Counter()
    df_e: Counter = Counter()
    for bag in app_bags:
        df_a.update(bag.keys())
    for bag in expert_bags:
        df_e.update(bag.keys())
    # only terms on both sides can make a pair similar
    terms = [t for t in df_a if t in df_e and df_a[t] + df_e[t] <= max(2, MAX_DF * n_docs)]
    vocab = {t: i for i, t in enumerate(terms)}
    df = np.array([df_a[t] + df_e[t] for t in terms], dtype=np.float64)
    idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5)) if terms else np.zeros(0)
    lengths = [sum(b.values()) for b in app_bags + expert_bags]
    avglen = (sum(lengths) / len(lengths)) if lengths and sum(lengths) else 1.0
    a_vec = _vectors(app_bags, vocab, idf, avglen)
    e_vec = _vectors(expert_bags, vocab, idf, avglen)
    sim = np.zeros((len(apps), len(experts)), dtype=np.float32)
    if not terms:
        return sim
    # postings: term → (docs, weights) on each side, built by sorting (doc, term, weight) triples
    a_post = _postings(a_vec, len(terms))
    e_post = _postings(e_vec, len(terms))
    for t in range(len(terms)):
        ad, aw = a_post[t]
        ed, ew = e_post[t]
        if len(ad) and len(ed):
            sim[np.ix_(ad, ed)] += np.outer(aw, ew)
    np.clip(sim, 0.0, 1.0, out=sim)
    return sim


def _postings(vectors: list[tuple], n_terms: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if not vectors:
        return [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))] * n_terms
    docs = np.concatenate([np.full(len(ids), d, dtype=np.int64) for d, (ids, _w) in enumerate(vectors)])
    terms = np.concatenate([ids for ids, _w in vectors])
    weights = np.concatenate([w for _ids, w in vectors])
    order = np.argsort(terms, kind="stable")
    docs, terms, weights = docs[order], terms[order], weights[order]
    bounds = np.searchsorted(terms, np.arange(n_terms + 1))
    return [(docs[bounds[t] : bounds[t + 1]], weights[bounds[t] : bounds[t + 1]]) for t in range(n_terms)]


def field_closeness(
    parents: dict[int, int | None], app_fields: Sequence[int | None], expert_fields: Sequence[Sequence[int]]
) -> np.ndarray:
    """Closeness of each application's field to the nearest of each expert's fields, float32
    (n_apps, n_experts) in [0, 1]. parents: taxonomy node id → parent id (the whole tree)."""

    def chain(node: int) -> list[int]:
        out = [node]
        while (p := parents.get(out[-1])) is not None and len(out) < 20:
            out.append(p)
        return out

    nodes = sorted(parents)
    index = {n: i for i, n in enumerate(nodes)}
    chains = {n: chain(n) for n in nodes}
    close = np.zeros((len(nodes), len(nodes)), dtype=np.float32)
    for a in nodes:
        ca = chains[a]
        for b in nodes:
            cb = chains[b]
            if a == b:
                v = SAME
            elif a in cb or b in ca:
                v = NESTED
            elif len(ca) > 1 and len(cb) > 1 and ca[1] == cb[1]:
                v = SIBLING
            elif ca[-1] == cb[-1]:
                v = SAME_ROOT
            else:
                v = 0.0
            close[index[a], index[b]] = v
    # expert × node: the best of the expert's fields
    per_expert = np.zeros((len(expert_fields), len(nodes) + 1), dtype=np.float32)  # last column: no field
    for j, fields in enumerate(expert_fields):
        rows = [index[f] for f in fields if f in index]
        if rows:
            per_expert[j, : len(nodes)] = close[rows].max(axis=0)
    cols = np.array([index.get(f, len(nodes)) if f is not None else len(nodes) for f in app_fields], dtype=np.int64)
    return np.ascontiguousarray(per_expert[:, cols].T)


def affinity(
    apps: Sequence[Text],
    experts: Sequence[Text],
    *,
    parents: dict[int, int | None],
    app_fields: Sequence[int | None],
    expert_fields: Sequence[Sequence[int]],
) -> np.ndarray:
    """TEXT_WEIGHT × text cosine + FIELD_WEIGHT × field closeness, float32 (n_apps, n_experts)."""
    sim = text_similarity(apps, experts)
    sim *= TEXT_WEIGHT
    sim += FIELD_WEIGHT * field_closeness(parents, app_fields, expert_fields)
    np.clip(sim, 0.0, 1.0, out=sim)
    return sim


def expert_text(*, keywords: str, expertise: str, bio: str) -> Text:
    return Text([(keywords.replace(",", " ").replace("，", " "), 3.0), (expertise, 2.0), (bio, 1.0)])


def application_text(*, title: str, summary: str, keywords: str) -> Text:
    return Text([(title, 2.0), (keywords.replace(",", " ").replace("，", " "), 3.0), (summary, 1.0)])


def rounded(value: float) -> float:
    return math.floor(value * 1000 + 0.5) / 1000
