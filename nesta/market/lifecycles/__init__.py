"""The market's workflows as transition tables (core.lifecycle), one module per model."""

from nesta.market.lifecycles.listing import LISTING

__all__ = ["LISTING"]
