from typing import Any

from nesta.demo.zones.accounts import ZonesContext


def load(ctx: ZonesContext, say: Any) -> dict[str, Any]:
    return {}
