"""Cursor pagination shared by every list: opaque cursors, stable under inserts."""

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

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
