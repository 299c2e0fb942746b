"""Why a candidate matches: structured reasons, each a stable code and a Chinese sentence."""

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.templatetags.nesta import yuan
from nesta.market.models.choices import Maturity, Process, Stage


@dataclass
class Reason:
    code: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _outer(words: list[str]) -> list[str]:
    """Drop a word shown inside a longer one (合金 beside 铝合金, 砂眼 beside 铸件有砂眼)."""
    return [w for w in words if not any(w != o and w in o for o in words)]


def shared_terms(words: list[str]) -> Reason:
    words = _outer(words)
    return Reason("shared_terms", _("共同关键词：%(w)s") % {"w": "、".join(words)}, {"terms": words})


def related_terms(concept: str, ours: list[str], theirs: list[str]) -> Reason:
    ours, theirs = _outer(ours)[:3], _outer(theirs)[:3]
    if ours and theirs and set(ours) != set(theirs):
        text = _("词表关联：%(a)s ↔ %(b)s（%(c)s）") % {"a": "、".join(ours), "b": "、".join(theirs), "c": concept}
    else:
        text = _("同一技术概念：%(c)s") % {"c": concept}
    return Reason("related_terms", text, {"concept": concept, "query_terms": ours, "candidate_terms": theirs})


_FIELD = {
    "same": ("field_same", "同属领域：%(b)s"),
    "parent": ("field_parent", "领域相近：%(a)s / %(b)s"),
    "sibling": ("field_sibling", "相邻领域：%(a)s 与 %(b)s"),
    "root": ("field_area", "同一大类领域：%(r)s"),
}


def field_reason(relation: str, a: str, b: str, root: str) -> Reason | None:
    if relation not in _FIELD:
        return None
    code, text = _FIELD[relation]
    return Reason(code, _(text) % {"a": a, "b": b, "r": root}, {"relation": relation})


_REGION = {
    "city": ("region_city", "同城：%(p)s"),
    "province": ("region_province", "同省：%(p)s"),
    "northeast": ("region_northeast", "同在东北地区：%(p)s"),
    "coast": ("region_coast", "沿海地区：%(p)s"),
    "china": ("region_china", "国内其他地区：%(p)s"),
    "abroad": ("region_abroad", "境外：%(p)s"),
}


def region_reason(relation: str, place: str) -> Reason | None:
    if relation not in _REGION:
        return None
    code, text = _REGION[relation]
    return Reason(code, _(text) % {"p": place}, {"relation": relation})


def fit_reason(kind: str, value: float, query: Any, cand: Any) -> Reason | None:
    if kind == "maturity":
        m = cand.maturity if cand.kind == "achievement" else query.maturity
        label = str(Maturity(m).label) if m in Maturity.values else m
        if value >= 0.75:
            return Reason("maturity_fit", _("成熟度相符：%(m)s") % {"m": label}, {"value": value})
        return Reason("maturity_low", _("成熟度偏低：%(m)s") % {"m": label}, {"value": value})
    if kind == "stage":
        stages = [str(Stage(s).label) for s in _stages(query, cand) if s in Stage.values]
        if value >= 1.0:
            return Reason("stage_fit", _("投资阶段相符：%(s)s") % {"s": "、".join(stages)}, {"value": value})
        if value > 0:
            return Reason("stage_near", _("投资阶段相近：%(s)s") % {"s": "、".join(stages)}, {"value": value})
        return Reason("stage_mismatch", _("投资阶段不符"), {"value": value})
    if kind == "process":
        both = set((query.details or {}).get("processes") or []) & set((cand.details or {}).get("processes") or [])
        names = [str(Process(p).label) for p in Process.values if p in both]
        if names:
            return Reason("process_fit", _("工艺覆盖：%(p)s") % {"p": "、".join(names)}, {"value": value})
        return None
    if kind == "product":
        if value > 0:
            product = (cand.details or {}).get("product", "")
            return Reason("product_fit", _("品种相同：%(p)s") % {"p": product}, {"value": value})
        return None
    return None


def _stages(query: Any, cand: Any) -> list[str]:
    for side in (query, cand):
        if side.kind == "financing":
            return [(side.details or {}).get("stage", "")]
    return []


def price_reason(relation: str, query: Any, cand: Any) -> Reason | None:
    amounts = {"q": _money(query), "c": _money(cand)}
    texts = {
        "within": ("budget_fit", _("价格与预算相符（本方 %(q)s，对方 %(c)s）")),
        "near": ("budget_near", _("报价略高于预算（本方 %(q)s，对方 %(c)s）")),
        "over": ("budget_over", _("报价超出预算（本方 %(q)s，对方 %(c)s）")),
        "outside": ("ticket_outside", _("金额与投资额范围不符（本方 %(q)s，对方 %(c)s）")),
    }
    if relation not in texts:
        return None
    code, text = texts[relation]
    if relation == "within" and (query.kind in ("investor", "financing") or cand.kind in ("investor", "financing")):
        code, text = "ticket_fit", _("金额在投资额范围内（本方 %(q)s，对方 %(c)s）")
    return Reason(code, text % amounts, {"relation": relation})


def _money(listing: Any) -> str:
    lo, hi = listing.price_low, listing.price_high
    if listing.price_negotiable or (lo is None and hi is None):
        return _("面议")
    if lo is not None and hi is not None and lo != hi:
        return f"{yuan(lo)}–{yuan(hi)}"
    return yuan(hi if hi is not None else lo)
