from nesta.zones.models.areas import AreaRequest, AreaRequestStatus, AreaUse
from nesta.zones.models.incubators import (
    Incubator,
    IncubatorCriterion,
    IncubatorKind,
    IncubatorLevel,
    IncubatorReport,
    IncubatorResult,
    IncubatorRun,
    IncubatorScheme,
    Normalisation,
    Recommendation,
    ReportStatus,
    Tenant,
)
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
