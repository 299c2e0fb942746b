"""Ranked matches of the complementary kinds for any listing, stored or not, each with its reasons.

    top_matches(listing, *, limit=20, method="hybrid", candidates_kinds=None) -> list[Match]

``method="hybrid"`` is the product: BM25 over the listing's words plus the thesaurus (concepts
both texts mention, and the other words of those concepts), times the context (field, distance,
fit, price; weights.py). ``method="bm25"`` is the plain baseline: the same candidate kinds and
statuses, the listing's words only, ranked by BM25 alone.
"""

import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext

from nesta.core.models import TaxonomyNode
from nesta.market.matching import candidates as C
from nesta.market.matching import pruning as P
from nesta.market.matching import reasons as R
from nesta.market.matching import scoring as S
from nesta.market.matching import thesaurus as T
from nesta.market.matching import weights as W
from nesta.market.models import Listing

METHODS = ("hybrid", "bm25")
MAX_LIMIT = 100
POOL = 80  # candidates re-scored with their rows (the best by lexical score)


@dataclass
class Match:
    listing: Listing
    score: float
    components: dict[str, float] = field(default_factory=dict)
    reasons: list[R.Reason] = field(default_factory=list)

    @property
    def listing_id(self) -> int:
        return self.listing.pk


_tree: dict[str, Any] = {"at": 0.0, "parent": {}, "name": {}}


def _taxonomy() -> tuple[dict[int, int | None], dict[int, str]]:
    now = time.monotonic()
    if now - _tree["at"] > 300 or not _tree["parent"]:
        rows = list(TaxonomyNode.objects.values_list("id", "parent_id", "name"))
        _tree.update(at=now, parent={r[0]: r[1] for r in rows}, name={r[0]: r[2] for r in rows})
    return _tree["parent"], _tree["name"]


def reset_caches() -> None:
    _tree.update(at=0.0, parent={}, name={})
    C.clear_stats()
    T.reset()


def _place(listing: Any) -> tuple[str, str, str]:
    province = listing.province if listing.province_id else None
    city = listing.city if listing.city_id else None
    name = (city.name if city else "") or (province.name if province else "")
    return (province.code if province else ""), (city.code if city else ""), name


_ROW_FIELDS = (
    "pk",
    "kind",
    "field_id",
    "province__code",
    "city__code",
    "maturity",
    "price_low",
    "price_high",
    "price_negotiable",
    "details",
)


class _Row(SimpleNamespace):
    """The columns scoring reads, without building the model instance (the pool is ~100 rows)."""


def _rows(ids: list[int], kinds: tuple[str, ...]) -> dict[int, _Row]:
    qs = Listing.objects.filter(pk__in=ids, status__in=C.ON_MARKET, kind__in=kinds).values_list(*_ROW_FIELDS)
    return {r[0]: _Row(**dict(zip(("pk", *_ROW_FIELDS[1:]), r, strict=True))) for r in qs}


def _code(listing: Any, attr: str) -> str:
    if isinstance(listing, _Row):
        return getattr(listing, f"{attr}__code") or ""
    return getattr(listing, attr).code if getattr(listing, f"{attr}_id") else ""


def top_matches(listing: Any, *, limit: int = 20, method: str = "hybrid", candidates_kinds: Any = None) -> list[Match]:
    if method not in METHODS:
        raise ValueError(f"unknown matching method {method!r}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    kinds = C.complement_kinds(listing.kind, candidates_kinds)
    if not kinds:
        return []
    hybrid = method == "hybrid"
    th = T.current()
    query, concepts, expansions = S.build_query(listing, th, hybrid=hybrid)
    if not query:
        return []
    coll = C.collection(kinds, query.keys())
    k = max(POOL, limit * 3) if hybrid else limit * 2
    if W.PRUNE:
        pool = P.top_k(query, coll, k, exclude=listing.pk)  # exact, reading only the lists that matter
    else:  # the bounded draw alone (candidates.py; the bench's exhaustive run lifts its bounds)
        lexical: list[tuple[float, dict[str, float], int]] = []
        for cand in C.draw(query, coll, exclude=listing.pk):
            raw, parts = S.bm25(query, cand.tokens, coll)
            if raw > 0:
                lexical.append((raw, parts, cand.object_id))
        lexical.sort(key=lambda x: (-x[0], x[2]))
        pool = lexical[:k]
    if not pool:
        return []
    rows = _rows([oid for _, _, oid in pool], kinds)
    scored: list[tuple[float, int, dict[str, float], dict[str, Any]]] = []
    if hybrid:
        own = S.self_score(query, coll)
        place = (_code(listing, "province"), _code(listing, "city"))
        for raw, parts, oid in pool:
            if oid in rows:  # a document out of step with its row is never trusted over the row
                score, components, why = _hybrid_score(listing, place, rows[oid], raw, own, parts)
                scored.append((score, oid, parts, {"components": components, "why": why}))
    else:
        scored = [(raw, oid, parts, {"components": {"bm25": round(raw, 4)}}) for raw, parts, oid in pool if oid in rows]
    scored.sort(key=lambda x: (-x[0], x[1]))
    scored = scored[:limit]
    objects = Listing.objects.select_related("province", "city", "field").in_bulk([x[1] for x in scored])
    matches: list[Match] = []
    for score, oid, parts, extra in scored:
        other = objects.get(oid)
        if other is None:
            continue  # withdrawn between the two reads
        m = Match(listing=other, score=round(score, 4), components=extra["components"])
        if hybrid:
            m.reasons = _hybrid_reasons(listing, other, parts, extra["why"], concepts, expansions, th)
        else:
            m.reasons = _word_reasons(parts)
        matches.append(m)
    return matches


def _word_reasons(parts: dict[str, float]) -> list[R.Reason]:
    words = [t for t, _ in sorted(parts.items(), key=lambda x: -x[1]) if not t.startswith(T.CONCEPT_PREFIX)]
    words = [w for w in words if len(w) >= 2][:6]
    return [R.shared_terms(words)] if words else []


def _hybrid_score(
    listing: Any, place: tuple[str, str], other: _Row, raw: float, own: float, parts: dict[str, float]
) -> tuple[float, dict[str, float], dict[str, Any]]:
    parent, _names = _taxonomy()
    lex = S.lexical_norm(raw, own)
    f_value, f_rel = S.field_closeness(listing.field_id, other.field_id, parent)
    r_value, r_rel = S.region_closeness(place[0], place[1], _code(other, "province"), _code(other, "city"))
    fit_value, fit_kind = S.fit(listing, other)
    price_value, price_rel = S.price_fit(listing, other)
    context = W.BASE + W.FIELD * f_value + W.REGION * r_value + W.FIT * fit_value + W.PRICE * price_value
    components = {
        "lexical": round(raw, 4),
        "lexical_norm": round(lex, 4),
        "thesaurus": round(sum(v for t, v in parts.items() if t.startswith(T.CONCEPT_PREFIX)), 4),
        "field": f_value,
        "region": r_value,
        "fit": round(fit_value, 4),
        "price": price_value,
    }
    why = {"field": f_rel, "region": r_rel, "fit": fit_kind, "fit_value": fit_value, "price": price_rel}
    return lex * context, components, why


def _hybrid_reasons(
    listing: Any,
    other: Listing,
    parts: dict[str, float],
    why: dict[str, Any],
    concepts: dict[int, list[str]],
    expansions: set[str],
    th: T.Thesaurus,
) -> list[R.Reason]:
    parent, names = _taxonomy()
    words = {t: v for t, v in parts.items() if not t.startswith(T.CONCEPT_PREFIX) and t not in expansions}
    reasons = _word_reasons(words)
    # a concept both texts mention, or whose words the candidate uses (a document indexed before
    # the operator added the concept has no token of it yet, but has its words)
    shared = [
        cid
        for cid in concepts
        if T.concept_token(cid) in parts or any(w in parts for w in th.words.get(cid, ()) if w in expansions)
    ]
    if shared:
        theirs = th.detect(C.listing_text(other), only=set(shared[:3]))
        reasons += [
            R.related_terms(th.concepts.get(cid, ""), concepts.get(cid, []), theirs.get(cid, [])) for cid in shared[:3]
        ]
    if not reasons:
        reasons = [R.Reason("no_shared_terms", gettext("没有相同的关键词，仅通过领域词表关联"))]
    root = ""
    if why["field"] == "root":
        node = other.field_id
        while (up := parent.get(node)) is not None:
            node = up
        root = names.get(node, "")
    _, _, place = _place(other)
    for reason in (
        R.field_reason(why["field"], names.get(listing.field_id, ""), names.get(other.field_id, ""), root),
        R.region_reason(why["region"], place),
        R.fit_reason(why["fit"], why["fit_value"], listing, other) if why["fit"] else None,
        R.price_reason(why["price"], listing, other) if why["price"] else None,
    ):
        if reason is not None:
            reasons.append(reason)
    return reasons
