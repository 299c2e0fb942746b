"""Ranked matches of the complementary kinds for any listing, stored or not, each with its reasons.

    top_matches(listing, *, limit=20, method="hybrid", candidates_kinds=None) -> list[Match]

``method="hybrid"`` is the product: BM25 over the listing's words plus the thesaurus (concepts
both texts mention, and the other words of those concepts), times the context (field, distance,
fit, price; weights.py). ``method="bm25"`` is the plain baseline: the same candidate kinds and
statuses, the listing's words only, ranked by BM25 alone.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from nesta.core.models import TaxonomyNode
from nesta.market.matching import candidates as C
from nesta.market.matching import reasons as R
from nesta.market.matching import scoring as S
from nesta.market.matching import thesaurus as T
from nesta.market.matching import weights as W
from nesta.market.models import Listing

METHODS = ("hybrid", "bm25")
MAX_LIMIT = 100
POOL = 120  # candidates re-scored with their rows (the best by lexical score)


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
    drawn = C.draw(query, coll, exclude=listing.pk)
    lexical: list[tuple[float, dict[str, float], C.Candidate]] = []
    for cand in drawn:
        raw, parts = S.bm25(query, cand.tokens, coll)
        if raw > 0:
            lexical.append((raw, parts, cand))
    lexical.sort(key=lambda x: (-x[0], x[2].object_id))
    pool = lexical[: max(POOL, limit * 3) if hybrid else limit * 2]
    if not pool:
        return []
    rows = {
        obj.pk: obj
        for obj in Listing.objects.filter(
            pk__in=[c.object_id for _, _, c in pool], status__in=C.ON_MARKET, kind__in=kinds
        ).select_related("province", "city", "field")
    }
    matches: list[Match] = []
    for raw, parts, cand in pool:
        other = rows.get(cand.object_id)
        if other is None:
            continue  # a document out of step with its row (never trusted over the row)
        if hybrid:
            matches.append(_hybrid(listing, other, raw, parts, concepts, expansions))
        else:
            components = {"bm25": round(raw, 4)}
            matches.append(Match(other, round(raw, 4), components, _word_reasons(parts)))
    matches.sort(key=lambda m: (-m.score, m.listing.pk))
    matches = matches[:limit]
    if hybrid:
        _thesaurus_reasons(matches, concepts, th)
    return matches


def _word_reasons(parts: dict[str, float]) -> list[R.Reason]:
    words = [t for t, _ in sorted(parts.items(), key=lambda x: -x[1]) if not t.startswith(T.CONCEPT_PREFIX)]
    words = [w for w in words if len(w) >= 2][:6]
    return [R.shared_terms(words)] if words else []


def _thesaurus_reasons(matches: list[Match], concepts: dict[int, list[str]], th: T.Thesaurus) -> None:
    # Only for the matches shown: which words of a shared concept each side used.
    for m in matches:
        shared = m.__dict__.pop("_shared", [])
        if not shared:
            continue
        theirs = th.detect(C.listing_text(m.listing))
        extra = [
            R.related_terms(th.concepts.get(cid, ""), concepts.get(cid, []), theirs.get(cid, [])) for cid in shared[:3]
        ]
        m.reasons[1:1] = extra  # after the shared words, before the context


def _hybrid(listing: Any, other: Listing, raw: float, parts: dict, concepts: dict, expansions: set) -> Match:
    parent, names = _taxonomy()
    lex = S.lexical_norm(raw)
    f_value, f_rel = S.field_closeness(listing.field_id, other.field_id, parent)
    p1, c1, _ = _place(listing)
    p2, c2, place = _place(other)
    r_value, r_rel = S.region_closeness(p1, c1, p2, c2)
    fit_value, fit_kind = S.fit(listing, other)
    price_value, price_rel = S.price_fit(listing, other)
    context = W.BASE + W.FIELD * f_value + W.REGION * r_value + W.FIT * fit_value + W.PRICE * price_value
    score = lex * context
    query_words = {t for t in parts if not t.startswith(T.CONCEPT_PREFIX)}
    thesaurus_part = sum(v for t, v in parts.items() if t.startswith(T.CONCEPT_PREFIX))
    components = {
        "lexical": round(raw, 4),
        "lexical_norm": round(lex, 4),
        "thesaurus": round(thesaurus_part, 4),
        "field": f_value,
        "region": r_value,
        "fit": round(fit_value, 4),
        "price": price_value,
    }
    m = Match(listing=other, score=round(score, 4), components=components)
    m.reasons = _word_reasons({t: parts[t] for t in query_words if t not in expansions})
    if not m.reasons:
        m.reasons = [R.Reason("no_shared_terms", gettext("没有相同的关键词，仅通过领域词表关联"))]
    m.__dict__["_shared"] = [cid for cid in concepts if T.concept_token(cid) in parts]
    root = ""
    if f_rel == "root":
        node = other.field_id
        while parent.get(node) is not None:
            node = parent[node]
        root = names.get(node, "")
    for reason in (
        R.field_reason(f_rel, names.get(listing.field_id, ""), names.get(other.field_id, ""), root),
        R.region_reason(r_rel, place),
        R.fit_reason(fit_kind, fit_value, listing, other) if fit_kind else None,
        R.price_reason(price_rel, listing, other) if price_rel else None,
    ):
        if reason is not None:
            m.reasons.append(reason)
    return m
