"""Which recommendation an evaluated base gets: the platform's one rule (core.evaluation.rules,
docs/bases-evaluation.md) — 整改, 选择晋升 (a provincial base reaching every national threshold),
重点支持, 保持; the labels are models.Recommendation's."""

from nesta.core.evaluation.rules import Ruling, rule, rule_cohort

__all__ = ["Ruling", "rule", "rule_cohort"]
