"""The market's workflows as transition tables (core.lifecycle), one module per model."""

from nesta.market.lifecycles.bidding import REGISTRATION, ROUND
from nesta.market.lifecycles.contract import CONTRACT
from nesta.market.lifecycles.interest import INTEREST
from nesta.market.lifecycles.listing import LISTING

__all__ = ["CONTRACT", "INTEREST", "LISTING", "REGISTRATION", "ROUND"]
