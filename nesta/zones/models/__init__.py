from nesta.zones.models.areas import AreaRequest, AreaRequestStatus, AreaUse
from nesta.zones.models.incubator_evaluation import (
    IncubatorCriterion,
    IncubatorResult,
    IncubatorRun,
    IncubatorScheme,
    Normalisation,
    Recommendation,
)
from nesta.zones.models.incubator_reports import IncubatorReport, ReportStatus
from nesta.zones.models.incubators import Incubator, IncubatorKind, IncubatorLevel, Tenant
from nesta.zones.models.policy import PolicyDocument, PolicyOutput, PolicyScope, PolicyTopic, TopicStatus
from nesta.zones.models.zones import ZoneTarget, ZoneYear

__all__ = [
    "AreaRequest",
    "AreaRequestStatus",
    "AreaUse",
    "Incubator",
    "IncubatorCriterion",
    "IncubatorKind",
    "IncubatorLevel",
    "IncubatorReport",
    "IncubatorResult",
    "IncubatorRun",
    "IncubatorScheme",
    "Normalisation",
    "PolicyDocument",
    "PolicyOutput",
    "PolicyScope",
    "PolicyTopic",
    "Recommendation",
    "ReportStatus",
    "Tenant",
    "TopicStatus",
    "ZoneTarget",
    "ZoneYear",
]
