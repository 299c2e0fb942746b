"""Which recommendation an evaluated incubator gets: the platform's one rule (core.evaluation.rules)
— 整改, 推荐认定国家级 (a provincial incubator reaching every national threshold), 重点支持, 保持;
the labels are zones.models.Recommendation's."""

from nesta.core.evaluation.rules import Ruling, rule, rule_cohort

__all__ = ["Ruling", "rule", "rule_cohort"]
