"""Cursor pagination shared by every list: opaque cursors, stable under inserts.

Selectors page through `keyset_page` (ordered by id) or `offset_page` (ranked or otherwise
ordered lists); views only pass the cursor on. Templates show the next-page link with
`templates/includes/pagination.html`."""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import BadRequest

T = TypeVar("T")
MAX_LIMIT = 100
MAX_CURSOR = 2**31  # keeps OFFSET and ids inside every backend's integer range


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    total: int | None = None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def encode_cursor(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict):
            raise ValueError
        for key in ("after", "offset"):
            value = data.get(key, 0)
            # bool is an int to Python; huge numbers overflow the database's integers.
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CURSOR:
                raise ValueError
        return data
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(_("分页游标无效。"), code="invalid_cursor") from None


def clamp_limit(limit: int | None, default: int = 20) -> int:
    if limit is None:
        return default
    return max(1, min(int(limit), MAX_LIMIT))


# --- the one paging helper every selector uses ------------------------------------------------


def keyset_page(
    qs: QuerySet[Any],
    *,
    cursor: str | None,
    limit: int | None,
    default_limit: int = 20,
    newest_first: bool = False,
    with_total: bool = False,
) -> Page[Any]:
    """One page of `qs` keyset-paged on the primary key (stable while rows are added): ascending
    ids, or with newest_first descending. Reads limit + 1 rows to know whether there is more;
    the total (one COUNT) only when asked for."""
    size = clamp_limit(limit, default=default_limit)
    after = decode_cursor(cursor).get("after")
    total = qs.count() if with_total else None
    if after is not None:
        qs = qs.filter(pk__lt=after) if newest_first else qs.filter(pk__gt=after)
    rows = list(qs.order_by("-pk" if newest_first else "pk")[: size + 1])
    items = rows[:size]
    next_cursor = encode_cursor({"after": items[-1].pk}) if len(rows) > size else None
    return Page(items=items, next_cursor=next_cursor, total=total)


def cursor_offset(cursor: str | None) -> int:
    """Where an offset-paged list (ranked search hits, a fixed ordering) resumes."""
    return int(decode_cursor(cursor).get("offset", 0))


def offset_page(
    rows: Sequence[T], *, offset: int, limit: int, more: bool | None = None, total: int | None = None
) -> Page[T]:
    """A page of an offset-paged list from the rows read at `offset` (limit + 1 of them, so that
    one more row says there is a next page; or say `more` when it is known otherwise)."""
    items = list(rows[:limit])
    has_more = len(rows) > limit if more is None else more
    return Page(items=items, next_cursor=encode_cursor({"offset": offset + limit}) if has_more else None, total=total)
