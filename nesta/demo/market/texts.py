"""The market's demo corpus: the matching cases (demands with judged achievements) and how the
labelled set of bench/market/labelled/ is derived from them.

Each demand is written as an enterprise would post it (the problem seen on the plant floor); each
achievement as a research group would list it (the technique, in academic words). A demand names
the achievements judged for it, graded `2` (solves it), `1` (related, partly useful) or `0` with
the kind of same-word distractor: `0m` same material, other process; `0p` same product, other
defect or problem; `0f` same field, other problem; `0w` the same word in another sense.

`CASE_ACHIEVEMENTS` / `CASE_DEMANDS` merge the case files (cases_*_texts.py);
`judgments()` lists (demand, achievement, grade, distractor type). `overlap()` is the documented
rule of a "low-overlap" demand: the Jaccard similarity of the content tokens of the demand
(title + problem) and of its best answer (title + summary + keywords) is below LOW_OVERLAP.
"""

from dataclasses import dataclass

from nesta.demo.market import (
    cases_energy_texts,
    cases_life_texts,
    cases_making_texts,
    cases_more_texts,
    cases_wide_texts,
)

CASE_FILES = (cases_making_texts, cases_energy_texts, cases_life_texts, cases_more_texts, cases_wide_texts)
MATURITIES = {"lab", "pilot_small", "pilot", "industrial"}


def parse(text: str) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The achievements and demands of a case file (its docstring says the format)."""
    achievements: dict[str, dict[str, str]] = {}
    demands: dict[str, dict[str, str]] = {}
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        head = lines[0].split()
        if head[0] == "A" and len(head) == 5 and len(lines) == 4 and head[3] in MATURITIES:
            achievements[head[1]] = {
                "field": head[2],
                "maturity": head[3],
                "ip": head[4],
                "title": lines[1],
                "summary": lines[2],
                "keywords": lines[3],
            }
        elif head[0] == "D" and len(head) == 3 and len(lines) == 5:
            demands[head[1]] = {
                "field": head[2],
                "title": lines[1],
                "problem": lines[2],
                "indicators": lines[3],
                "judged": lines[4],
            }
        else:
            raise ValueError(f"malformed case block: {lines[0]!r}")
    return achievements, demands


def _all() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    achievements: dict[str, dict[str, str]] = {}
    demands: dict[str, dict[str, str]] = {}
    for module in CASE_FILES:
        a, d = parse(module.TEXT)
        if set(a) & set(achievements) or set(d) & set(demands):
            raise ValueError(f"{module.__name__}: a case id used twice")
        achievements |= a
        demands |= d
    return achievements, demands


CASE_ACHIEVEMENTS, CASE_DEMANDS = _all()

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
