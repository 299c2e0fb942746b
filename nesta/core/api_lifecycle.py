"""The API's transition endpoints, derived from a lifecycle's table (core.lifecycle).

One call declares `POST {prefix}/{id}/{transition}` for every offered transition of a table
(`check_in` → `/check-in`), each with the transition's summary, the same responses and a stable
operation id, and calls `run(transition, user, obj_id, **inputs)`. Transitions that take input
(an amount, a file) name their extra parameters in `inputs`, as ninja reads them.

    transition_endpoints(router, BOOKING, prefix="/bookings", id_name="booking_id",
                         run=lambda t, user, pk, **kw: booking_out(RUN[t.name](user, pk, **kw)),
                         response={200: BookingOut, **ERRORS}, operation_id=lambda t: f"{t.name}_booking")
"""

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router

from nesta.core.api_auth import api_user_required
from nesta.core.lifecycle import Lifecycle, Transition

ID_MAX = 2_147_483_647


def transition_endpoints(
    router: Router,
    lifecycle: Lifecycle,
    *,
    prefix: str,
    id_name: str,
    run: Callable[..., Any],
    response: dict[int, Any] | Callable[[Transition], dict[int, Any]],
    operation_id: Callable[[Transition], str],
    module: str,
    inputs: dict[str, list[inspect.Parameter]] | None = None,
    id_max: int = ID_MAX,
) -> dict[str, Callable[..., Any]]:
    """Declare the table's endpoints on `router`; returns {transition name: endpoint}.
    `module` + `operation_id(t)` make the OpenAPI operation id (ninja: module_name, dots → _);
    `response` may depend on the transition (what its endpoint answers)."""
    endpoints: dict[str, Callable[..., Any]] = {}
    for t in lifecycle.offered():
        endpoints[t.name] = _endpoint(
            router, t, prefix=prefix, id_name=id_name, run=run,
            response=response(t) if callable(response) else response,
            name=operation_id(t), module=module, extra=(inputs or {}).get(t.name, []), id_max=id_max,
        )  # fmt: skip
    return endpoints


def _endpoint(
    router: Router,
    t: Transition,
    *,
    prefix: str,
    id_name: str,
    run: Callable[..., Any],
    response: dict[int, Any],
    name: str,
    module: str,
    extra: list[inspect.Parameter],
    id_max: int,
) -> Callable[..., Any]:
    def endpoint(request: HttpRequest, **kwargs: Any) -> Any:
        obj_id = kwargs.pop(id_name)
        return run(t, api_user_required(request), obj_id, **kwargs)

    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        *extra,
        inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int, default=Path(..., ge=1, le=id_max)),
    ]
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__module__ = module
    endpoint.__doc__ = str(t.label)
    path = f"{prefix}/{{{id_name}}}/{t.name.replace('_', '-')}"
    return router.post(path, response=response, summary=str(t.summary or t.label))(endpoint)
