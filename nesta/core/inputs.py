"""Typed inputs shared by the API schemas and the services.

The pydantic types below are the API side of `nesta.core.validators`: a ninja schema field typed
`CleanText(120)`, `BoundedInt(0, 1440)`, `Money`, `LocalDateTime` or `LocalDate` is checked by the
same function the service calls for web-form input, so both refuse the same values with the same
message (ninja answers 422 with the field). `Actor` is the one type of "who is acting" in service
signatures.
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from nesta.core import validators as v
from nesta.core.errors import ValidationFailed


class Actor(Protocol):
    """Who acts: a user (authenticated or anonymous). Services check permissions through
    `nesta.core.permissions.require(actor, action, target)`, never by reading roles themselves."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...


def _pydantic(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A validator's ValidationFailed as a pydantic error carrying the validator's message."""

    def run(value: Any) -> Any:
        try:
            return check(value)
        except ValidationFailed as exc:
            messages = [str(m) for ms in exc.details.values() for m in ms] or [str(exc.message)]
            raise PydanticCustomError("invalid_value", "; ".join(messages)) from None

    return run


def CleanText(max_length: int, *, min_length: int = 0, multiline: bool = True) -> Any:
    """Text without C0 control characters (tab and newline allowed), stripped, bounded."""
    check = _pydantic(lambda s: v.clean_text(s, field="", max_length=max_length, multiline=multiline))
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(check)]


def BoundedInt(minimum: int, maximum: int) -> Any:
    """An integer in [minimum, maximum]; booleans are refused."""
    check = _pydantic(lambda n: v.bounded_int(n, field="", minimum=minimum, maximum=maximum))
    # Field first: after a validator pydantic documents the bounds as "ge"/"le", not minimum/maximum
    return Annotated[int, Field(ge=minimum, le=maximum), BeforeValidator(_no_bool), AfterValidator(check)]


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "应为整数。")
    return value


Money = Annotated[
    Decimal,
    Field(ge=0, lt=v.MONEY_MAX, max_digits=14, decimal_places=2, description="金额（元），最多两位小数"),
]
LocalDateTime = Annotated[
    datetime,
    AfterValidator(_pydantic(lambda d: v.aware_datetime(d, field=""))),
    Field(description="ISO 8601；不带时区按北京时间；2000-01-01 至 2100-01-01"),
]
AwareDateTime = Annotated[
    datetime,
    AfterValidator(_pydantic(lambda d: v.aware_datetime(d, field="", naive="refuse"))),
    Field(description="ISO 8601，须带时区，如 2026-12-01T09:00:00+08:00；2000-01-01 至 2100-01-01"),
]
LocalDate = Annotated[
    date,
    AfterValidator(_pydantic(lambda d: v.local_date(d, field=""))),
    Field(description="YYYY-MM-DD，2000-01-01 至 2100-01-01"),
]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$", description="6 位行政区划代码，如 210000")]
