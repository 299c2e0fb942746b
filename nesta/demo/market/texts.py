"""The market's demo corpus: the matching cases (demands with judged achievements) and how the
labelled set of bench/market/labelled/ is derived from them.

`CASE_ACHIEVEMENTS` / `CASE_DEMANDS` merge cases_industry_texts and cases_life_texts;
`judgments()` lists (demand, achievement, grade, distractor type). `overlap()` is the documented
rule of a "low-overlap" demand: the Jaccard similarity of the content tokens of the demand
(title + problem) and of its best answer (title + summary + keywords) is below LOW_OVERLAP.
"""

from dataclasses import dataclass

from nesta.demo.market.cases_industry_texts import ACHIEVEMENTS as _IA
from nesta.demo.market.cases_industry_texts import DEMANDS as _ID
from nesta.demo.market.cases_life_texts import ACHIEVEMENTS as _LA
from nesta.demo.market.cases_life_texts import DEMANDS as _LD

CASE_ACHIEVEMENTS: dict[str, dict[str, str]] = {**_IA, **_LA}
CASE_DEMANDS: dict[str, dict] = {**_ID, **_LD}

DISTRACTOR_TYPES = {
    "m": "same_material",  # same material, another process
    "p": "same_product",  # same product, another defect or problem
    "f": "same_field",  # same field, another problem
    "w": "same_word",  # the same word in another sense
}
LOW_OVERLAP = 0.05
# Function words and the plant floor's filler: they say nothing about the technical content.
STOPWORDS = frozenset(
    "我们 我们的 一个 一些 一下 以上 以下 以内 之后 以后 已经 还是 就是 但是 而且 或者 因为 所以 可以 没有 什么 怎么 "
    "这个 那个 这些 那些 这里 那里 这样 现在 时候 问题 办法 想找 希望 需要 要求 实现 进行 采用 通过 利用 提高 降低 "
    "减少 技术 方法 研究 开发 工艺 系统 应用 适用 用于 能够 不能 不会 一般 一年 一次 两年 以及 及其 其他".split()
)


@dataclass(frozen=True)
class Judgment:
    demand: str
    achievement: str
    grade: int
    distractor: str = ""  # for grade 0: one of DISTRACTOR_TYPES' values


def judgments() -> list[Judgment]:
    out = []
    for demand_id, demand in CASE_DEMANDS.items():
        for item in demand["judged"].split():
            achievement_id, code = item.split(":")
            grade = int(code[0])
            kind = DISTRACTOR_TYPES[code[1]] if grade == 0 else ""
            out.append(Judgment(demand_id, achievement_id, grade, kind))
    return out


def content_tokens(text: str) -> set[str]:
    """Precise-mode tokens of the platform's segmenter, without single characters, digits and
    STOPWORDS."""
    from nesta.core.search.segment import query_tokens

    return {t for t in query_tokens(text) if len(t) > 1 and not t.isdigit() and t not in STOPWORDS}


def demand_text(demand: dict) -> str:
    return f"{demand['title']} {demand['problem']}"


def achievement_text(achievement: dict) -> str:
    return f"{achievement['title']} {achievement['summary']} {achievement['keywords']}"


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def overlap(demand_id: str) -> float:
    """The demand's overlap with its best answer: the highest Jaccard among its grade-2 achievements."""
    demand = content_tokens(demand_text(CASE_DEMANDS[demand_id]))
    best = 0.0
    for j in judgments():
        if j.demand == demand_id and j.grade == 2:
            best = max(best, jaccard(demand, content_tokens(achievement_text(CASE_ACHIEVEMENTS[j.achievement]))))
    return best
