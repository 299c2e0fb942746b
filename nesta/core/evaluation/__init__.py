"""One evaluation engine for every scheme of weighted indicators (bases, zones, incubators).

See engine.py and docs/evaluation.md.
"""

from nesta.core.evaluation.engine import (
    NORMALISATIONS,
    SENSITIVITY_STEP,
    Criterion,
    Outcome,
    Reason,
    SchemeError,
    Scored,
    Shift,
    Subject,
    competition_ranks,
    evaluate,
    normalise,
    round_like_python,
    score_cohort,
    top_count,
)

__all__ = [
    "NORMALISATIONS",
    "SENSITIVITY_STEP",
    "Criterion",
    "Outcome",
    "Reason",
    "SchemeError",
    "Scored",
    "Shift",
    "Subject",
    "competition_ranks",
    "evaluate",
    "normalise",
    "round_like_python",
    "score_cohort",
    "top_count",
]
