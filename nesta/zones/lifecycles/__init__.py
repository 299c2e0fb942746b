from nesta.zones.lifecycles.areas import AREA_REQUEST
from nesta.zones.lifecycles.incubator_report import INCUBATOR_REPORT

__all__ = ["AREA_REQUEST", "INCUBATOR_REPORT"]
