from nesta.bases.lifecycles.base import BASE
from nesta.bases.lifecycles.report import REPORT

__all__ = ["BASE", "REPORT"]
