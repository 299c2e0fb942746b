from nesta.bases.models.bases import DIRECTORY_KIND, Base, BaseLevel, BaseStatus, BaseStatusChange, BaseType
from nesta.bases.models.evaluation import (
    EvaluationResult,
    EvaluationRun,
    EvaluationScheme,
    Normalisation,
    Recommendation,
    SchemeCriterion,
)
from nesta.bases.models.reports import COUNT_MAX, MONEY, BaseReport, ReportStatus

__all__ = [
    "COUNT_MAX",
    "DIRECTORY_KIND",
    "MONEY",
    "Base",
    "BaseLevel",
    "BaseReport",
    "BaseStatus",
    "BaseStatusChange",
    "BaseType",
    "EvaluationResult",
    "EvaluationRun",
    "EvaluationScheme",
    "Normalisation",
    "Recommendation",
    "ReportStatus",
    "SchemeCriterion",
]
