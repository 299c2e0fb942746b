from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The deterministic demo data (and `manage.py demo_data`, `demo_accounts`). It sits above the
    domain apps: it imports them, they never import it; it plugs in through the registry."""

    name = "nesta.demo"
    label = "demo"
    verbose_name = "demo data"

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.demo.providers import load_demo_directory, load_demo_instruments

        registry.demo_provider("directory", load_demo_directory)
        registry.demo_provider("instruments", load_demo_instruments, after=("directory",))
        # the technology market, one provider per part (nesta/demo/market/)
        from nesta.demo.market import bidding, contracts, listings, negotiation

        registry.demo_provider("market.listings", listings.load, after=("directory",))
        registry.demo_provider("market.negotiation", negotiation.load, after=("market.listings",))
        registry.demo_provider("market.bidding", bidding.load, after=("market.listings",))
        registry.demo_provider("market.contracts", contracts.load, after=("market.listings",))
        # the programmes of issue 10 (nesta/demo/programmes/): calls in every stage, then subsidies
        from nesta.demo.programmes import load as programmes

        registry.demo_provider("programmes.calls", programmes.load_calls, after=("directory",))
        registry.demo_provider("programmes.subsidies", programmes.load_subsidies, after=("directory",))
        # the innovation bases of issue 11: their derived figures read the instruments, the
        # contracts and the awards, so they come after those
        from nesta.demo import bases

        registry.demo_provider(
            "bases", bases.load, after=("directory", "instruments", "market.contracts", "programmes.calls")
        )
        # the high-tech zones and incubators of issue 11 (nesta/demo/zones/): incubators' tenants
        # are drawn from the directory; the private shares read the contracts and the awards
        from nesta.demo import zones

        registry.demo_provider(
            "zones", zones.load, after=("directory", "market.contracts", "programmes.calls", "bases")
        )
