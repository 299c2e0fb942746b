from nesta.bases.lifecycles.report import REPORT

__all__ = ["REPORT"]
