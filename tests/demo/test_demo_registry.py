"""demo_data runs the providers the apps register, each after the ones it needs; core knows none."""

import io

from django.core.management import call_command

from nesta.core.registry import DemoProvider, registry


def test_the_registered_providers_are_directory_then_instruments():
    names = [p.name for p in registry.demo_providers()]
    assert names.index("directory") < names.index("instruments")


def test_demo_data_runs_every_provider_in_dependency_order(monkeypatch):
    calls = []

    def provider(name):
        def load(scale, seed, say):
            calls.append((name, scale, seed))
            say(f"  {name} loaded")
            return {}

        return load

    fakes = {
        "zeta": DemoProvider("zeta", provider("zeta")),
        "alpha": DemoProvider("alpha", provider("alpha"), after=("zeta",)),
        "beta": DemoProvider("beta", provider("beta"), after=("alpha", "not-installed")),
    }
    monkeypatch.setattr(registry, "_demo", fakes)
    out = io.StringIO()
    call_command("demo_data", scale=25, seed=7, stdout=out)
    assert calls == [("zeta", 25, 7), ("alpha", 25, 7), ("beta", 25, 7)]
    assert out.getvalue().splitlines() == ["  zeta loaded", "  alpha loaded", "  beta loaded"]
