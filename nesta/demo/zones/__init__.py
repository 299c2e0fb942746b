"""The demo's high-tech zones and incubators (issue 11, seed 三.3), one module per part, run in
order by one provider: the zones' management-committee accounts, three years of each zone's
figures with the office's targets, the policy register and research topics, area requests at
every stage, and the incubators with their tenants, reports and last year's evaluation.
Deterministic (seeded), idempotent (a part that finds its records does nothing)."""

from typing import Any

from nesta.demo.zones import accounts, areas, figures, incubators, policy


def load(scale: int, seed: int, say: Any) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    ctx = accounts.load(seed, say)
    if not ctx.zones:
        say("zones: no reference zones, nothing to do")
        return counts
    for part in (figures, policy, areas, incubators):
        counts.update(part.load(ctx, say))
    return counts
