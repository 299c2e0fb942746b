"""What the market's contracts part registers with the platform: the CONTRACT table's audit events
(contract.submitted, .registered, .refused, .withdrawn, .overdue) and the hourly job that flags
contracts past their decision deadline. Its demo provider is registered by nesta.demo
(market.contracts, after market.listings)."""

from typing import Any


def register(registry: Any) -> None:
    from nesta.market.lifecycles.contract import CONTRACT
    from nesta.market.services.contracts import contracts_flag_overdue

    CONTRACT.register()
    registry.periodic_job("market.contracts_overdue", contracts_flag_overdue, every_seconds=3600)
