"""The parts of a match's score: lexical relevance (BM25 with the thesaurus) and the context
(taxonomy field, distance, maturity/stage/process fit, price/budget fit), each in [0, 1].

Every function takes plain values, so a listing that is not stored yet is scored like any other.
"""

import math
from collections import Counter
from decimal import Decimal
from typing import Any

from nesta.core.search.segment import index_tokens
from nesta.market.matching import weights as W
from nesta.market.matching.candidates import Collection, listing_parts
from nesta.market.matching.general import synonyms
from nesta.market.matching.thesaurus import Thesaurus, concept_token
from nesta.market.models.choices import MATURITY_ORDER, STAGE_ORDER, ListingKind, PrecisionGrade

# Words every listing uses; they would only add noise to the query (their IDF is low anyway).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 对 为 是 有 等 中 上 下 我们 我司 公司 企业 单位 需要 需求 希望 寻求 要求 提供 进行 "
    "可以 能够 一种 一个 相关 主要 目前 现在 问题 技术 方面 方法 以及 通过 具有 实现 用于 合作 项目 "
    "产品 研究 开发 应用 领域 服务 平台 能力 年 月 日 万元 元 左右 以上 以下 情况 比较 非常 很 较 该".split()
)


def _words(text: str) -> list[str]:
    # Search-mode tokens, like the documents': a long word and its parts (铝合金铸件 → 铝合金, 铸件),
    # so a query word always has the same form as the document word it should meet.
    return [t for t in index_tokens(text) if t not in STOPWORDS and not t.isdigit()]


def build_query(
    listing: Any, thesaurus: Thesaurus, *, hybrid: bool
) -> tuple[dict[str, float], dict[int, list[str]], set[str]]:
    """The query's weighted words (and concept tokens), the concepts its text mentions (with
    the terms found) and the words the thesaurus added."""
    title, keywords, body = listing_parts(listing)
    query: dict[str, float] = {}
    parts = (
        ((title, W.QUERY_TITLE_WEIGHT), (keywords, W.QUERY_KEYWORD_WEIGHT), (body, W.QUERY_TEXT_WEIGHT))
        if hybrid
        else ((title, 1.0), (keywords, 1.0), (body, 1.0))
    )
    for text, weight in parts:
        for t in _words(text):
            if len(t) == 1 and not hybrid:
                continue
            if len(t) == 1:
                weight_1 = weight * 0.3  # a lone character (裂, 锈) says little by itself
                query[t] = max(query.get(t, 0.0), weight_1)
            else:
                query[t] = max(query.get(t, 0.0), weight)
    concepts: dict[int, list[str]] = {}
    expansions: set[str] = set()
    if hybrid and W.GENERAL_WEIGHT > 0:
        general = synonyms()
        for word in [t for t in query if len(t) >= 2]:
            for other in general.get(word, ()):
                if other not in query and other not in STOPWORDS:
                    query[other] = W.GENERAL_WEIGHT * query[word]
                    expansions.add(other)
    if hybrid:
        concepts = thesaurus.detect(f"{title}\n{keywords}\n{body}")
        for cid in concepts:
            query[concept_token(cid)] = W.CONCEPT_WEIGHT
            for word in thesaurus.words.get(cid, ()):
                if word not in query:
                    query[word] = W.EXPANSION_WEIGHT
                    expansions.add(word)
    return query, concepts, expansions


def bm25(query: dict[str, float], tokens: list[str], coll: Collection) -> tuple[float, dict[str, float]]:
    """Okapi BM25 of a document for the weighted query, and each word's share of it."""
    counts = Counter(filter(query.__contains__, tokens))
    norm = W.K1 * (1 - W.B + W.B * len(tokens) / (coll.avgdl or 1))
    parts = {}
    for t, tf in counts.items():
        parts[t] = query[t] * coll.idf(t) * tf * (W.K1 + 1) / (tf + norm)
    return sum(parts.values()), parts


def self_score(query: dict[str, float], coll: Collection) -> float:
    """The BM25 a document made of exactly the query's words (each once) would get: the scale of
    this query's lexical scores, whatever the collection's size."""
    tokens = list(query)
    return bm25(query, tokens, coll)[0]


def lexical_norm(raw: float, own: float) -> float:
    if W.LEXICAL_MODE == "saturate" or own <= 0:
        return 1.0 - math.exp(-raw / W.LEXICAL_SCALE)
    return min(1.0, raw / (own * W.LEXICAL_FULL))


# --- field ---------------------------------------------------------------------------------------


def field_closeness(a: int | None, b: int | None, tree: dict[int, int | None]) -> tuple[float, str]:
    """(closeness, relation) of two taxonomy nodes: same, parent, sibling, root or other."""
    if not a or not b:
        return W.NEUTRAL * 0, "other"
    if a == b:
        return W.FIELD_SAME, "same"

    def chain(n: int) -> list[int]:
        out = [n]
        while tree.get(out[-1]) is not None and len(out) < 12:
            out.append(tree[out[-1]])  # type: ignore[arg-type]
        return out

    ca, cb = chain(a), chain(b)
    if a in cb or b in ca:
        return W.FIELD_PARENT, "parent"
    if len(ca) > 1 and len(cb) > 1 and ca[1] == cb[1]:
        return W.FIELD_SIBLING, "sibling"
    if ca[-1] == cb[-1]:
        return W.FIELD_SAME_ROOT, "root"
    return W.FIELD_OTHER, "other"


# --- region --------------------------------------------------------------------------------------


def region_closeness(p1: str, c1: str, p2: str, c2: str) -> tuple[float, str]:
    """Distance of two places (GB/T 2260 codes): city, province, northeast, coast, china, abroad."""
    a, b = (p1 or "")[:2], (p2 or "")[:2]
    if not a or not b:
        return W.NEUTRAL * 0.4, "unknown"
    if a in W.ABROAD or b in W.ABROAD:
        return W.REGION_ABROAD, "abroad"
    if c1 and c2 and c1[:4] == c2[:4]:
        return W.REGION_SAME_CITY, "city"
    if a == b:
        return W.REGION_SAME_PROVINCE, "province"
    if a in W.NORTHEAST and b in W.NORTHEAST:
        return W.REGION_NORTHEAST, "northeast"
    if b in W.COAST:
        return W.REGION_COAST, "coast"
    return W.REGION_CHINA, "china"


# --- maturity, stage, process fit ----------------------------------------------------------------

# What a technology at each maturity suits: a demand that wants a finished technology (transfer,
# licence) wants it industrialised; one that commissions development accepts a lab result.
_FINISHED_MODES = {"assignment", "license", "service", "consulting"}
_MATURITY_FOR_FINISHED = {"lab": 0.2, "pilot_small": 0.45, "pilot": 0.8, "industrial": 1.0}
_MATURITY_FOR_DEVELOPMENT = {"lab": 0.65, "pilot_small": 0.8, "pilot": 1.0, "industrial": 1.0}
# The financing stage a technology's maturity corresponds to (an investor's stages vs an achievement).
_STAGE_OF_MATURITY = {"lab": "seed", "pilot_small": "angel", "pilot": "a", "industrial": "b"}
_IT = {g: i for i, g in enumerate(PrecisionGrade.values)}


def _maturity_fit(demand: Any, achievement: Any) -> tuple[float, str] | None:
    maturity = achievement.maturity
    if maturity not in MATURITY_ORDER:
        return None
    modes = set((demand.details or {}).get("cooperation_modes") or [])
    table = _MATURITY_FOR_FINISHED if modes and modes <= _FINISHED_MODES else _MATURITY_FOR_DEVELOPMENT
    return table[maturity], "maturity"


def _stage_fit(stages: list[str], stage: str) -> tuple[float, str] | None:
    if stage not in STAGE_ORDER or not stages:
        return None
    if stage in stages:
        return 1.0, "stage"
    gap = min(abs(STAGE_ORDER[stage] - STAGE_ORDER[s]) for s in stages if s in STAGE_ORDER)
    return (0.5 if gap == 1 else 0.0), "stage"


def _process_fit(need: Any, offer: Any) -> tuple[float, str] | None:
    wanted = set((need.details or {}).get("processes") or [])
    have = set((offer.details or {}).get("processes") or [])
    if not wanted or not have:
        return None
    value = len(wanted & have) / len(wanted)
    size_need = (need.details or {}).get("max_part_size_mm")
    size_have = (offer.details or {}).get("max_part_size_mm")
    if size_need and size_have and size_have < size_need:
        value *= 0.5
    g_need = (need.details or {}).get("precision_grade")
    g_have = (offer.details or {}).get("precision_grade")
    if g_need in _IT and g_have in _IT and _IT[g_have] > _IT[g_need]:
        value *= 0.6  # the shop's best grade is coarser than the part needs
    return value, "process"


def _agri_fit(a: Any, b: Any) -> tuple[float, str] | None:
    pa, pb = (a.details or {}).get("product", ""), (b.details or {}).get("product", "")
    if not pa or not pb:
        return None
    if pa == pb or pa in pb or pb in pa:
        va, vb = (a.details or {}).get("variety", ""), (b.details or {}).get("variety", "")
        return (1.0 if not va or not vb or va == vb else 0.8), "product"
    return 0.0, "product"


def fit(query: Any, cand: Any) -> tuple[float, str]:
    """Maturity/stage/process/product fit of a candidate to the query, or NEUTRAL when unknown."""
    K = ListingKind
    pair = (query.kind, cand.kind)
    res = None
    if pair == (K.DEMAND, K.ACHIEVEMENT):
        res = _maturity_fit(query, cand)
    elif pair == (K.ACHIEVEMENT, K.DEMAND):
        res = _maturity_fit(cand, query)
    elif pair == (K.FINANCING, K.INVESTOR):
        res = _stage_fit(cand.details.get("stages") or [], query.details.get("stage", ""))
    elif pair == (K.INVESTOR, K.FINANCING):
        res = _stage_fit(query.details.get("stages") or [], cand.details.get("stage", ""))
    elif pair in ((K.ACHIEVEMENT, K.INVESTOR), (K.AGRI_VARIETY, K.INVESTOR)):
        res = _stage_fit(cand.details.get("stages") or [], _STAGE_OF_MATURITY.get(query.maturity, ""))
    elif pair == (K.INVESTOR, K.ACHIEVEMENT):
        res = _stage_fit(query.details.get("stages") or [], _STAGE_OF_MATURITY.get(cand.maturity, ""))
    elif pair == (K.OUTSOURCING, K.CAPACITY):
        res = _process_fit(query, cand)
    elif pair == (K.CAPACITY, K.OUTSOURCING):
        res = _process_fit(cand, query)
    elif pair in ((K.AGRI_DEMAND, K.AGRI_SUPPLY), (K.AGRI_SUPPLY, K.AGRI_DEMAND)):
        res = _agri_fit(query, cand)
    return res if res is not None else (W.NEUTRAL, "")


# --- price and budget ---------------------------------------------------------------------------


def _range(listing: Any) -> tuple[Decimal | None, Decimal | None]:
    if listing.price_negotiable:
        return None, None
    return listing.price_low, listing.price_high


def price_fit(query: Any, cand: Any) -> tuple[float, str]:
    """How the asking side's price meets the paying side's budget (or two ranges overlap)."""
    K = ListingKind
    payers = {K.DEMAND, K.OUTSOURCING, K.AGRI_DEMAND, K.INVESTOR}
    if query.kind in payers and cand.kind not in payers:
        payer, seller = query, cand
    elif cand.kind in payers and query.kind not in payers:
        payer, seller = cand, query
    else:
        return W.NEUTRAL, ""
    p_lo, p_hi = _range(payer)
    s_lo, s_hi = _range(seller)
    budget = p_hi if p_hi is not None else p_lo
    ask = s_lo if s_lo is not None else s_hi
    if budget is None or ask is None or budget <= 0:
        return W.NEUTRAL, ""
    if payer.kind == K.INVESTOR or seller.kind == K.FINANCING:
        lo, hi = (p_lo or Decimal(0)), (p_hi if p_hi is not None else budget)
        want_lo = s_lo if s_lo is not None else ask
        want_hi = s_hi if s_hi is not None else ask
        if want_lo <= hi and want_hi >= lo:
            return 1.0, "within"
        ratio = float(want_lo / hi) if want_lo > hi else float(lo / want_hi) if want_hi else 9.0
        return (0.5 if ratio <= 2 else 0.1), "outside"
    ratio = float(ask / budget)
    if ratio <= 1:
        return 1.0, "within"
    if ratio <= 1.5:
        return 0.55, "near"
    return 0.1, "over"
