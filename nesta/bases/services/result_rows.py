"""The evaluation results' rows written in one stream: a binary COPY built here on PostgreSQL (the
driver's per-row dumping cost more than the server's insert), one executemany elsewhere."""

import json
import struct
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field

from nesta.bases.models import EvaluationResult


@dataclass(frozen=True)
class Columns:
    """A run's results as columns, best first. `codes` index `rulings`: (recommendation, grounds)."""

    run: int
    bases: list[int]
    scores: list[float]
    ranks: list[int]
    cohort_size: int
    field_ranks: list[int | None]
    field_sizes: list[int | None]
    codes: list[int]
    rulings: list[tuple[str, list[str]]]
    traces: list[bytes]


# the columns an evaluation writes, in the stream's order
_NAMES = (
    "run",
    "base",
    "score",
    "rank",
    "cohort_size",
    "field_rank",
    "field_size",
    "recommendation",
    "grounds",
    "trace",
)


def _field(field: Any) -> Field[Any, Any]:
    assert isinstance(field, Field)  # a concrete column, not a reverse relation
    return field


def _target() -> str:
    meta = EvaluationResult._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(_field(meta.get_field(f)).column)) for f in _NAMES)
    return f"{quote(meta.db_table)} ({columns})"


def insert_results(columns: Columns) -> None:
    if connection.vendor == "postgresql":
        _copy(columns)
    else:
        _insert(columns)


def _insert(c: Columns) -> None:
    grounds_field = EvaluationResult._meta.get_field("grounds")
    rulings = [(rec, grounds_field.get_db_prep_save(grounds, connection)) for rec, grounds in c.rulings]
    rows = [
        (c.run, base, score, rank, c.cohort_size, field_rank, field_size, *rulings[code], trace)
        for base, score, rank, field_rank, field_size, code, trace in zip(
            c.bases, c.scores, c.ranks, c.field_ranks, c.field_sizes, c.codes, c.traces, strict=True
        )
    ]
    placeholders = ", ".join(["%s"] * len(_NAMES))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_target()} VALUES ({placeholders})", rows)


# PGCOPY binary: signature, flags, header extension; per row a field count and per field its
# length (-1: NULL) and value in the type's send format; a -1 count ends the stream
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
# count · run int8 · base int8 · score float8 · rank int4 · cohort_size int4
_FIXED = struct.Struct(">h iq iq id ii ii")
_INT4 = struct.Struct(">ii")
_NULL = struct.pack(">i", -1)
_LENGTH = struct.Struct(">i")


def _int4_or_null(value: int | None) -> bytes:
    return _NULL if value is None else _INT4.pack(4, value)


def _copy(c: Columns) -> None:
    tails = []  # per ruling: recommendation (text) and grounds (jsonb: version 1, then the JSON text)
    for rec, grounds in c.rulings:
        text, data = rec.encode(), b"\x01" + json.dumps(grounds).encode()
        tails.append(_LENGTH.pack(len(text)) + text + _LENGTH.pack(len(data)) + data)
    fixed, n = _FIXED.pack, len(_NAMES)
    parts = [_HEADER]
    for base, score, rank, field_rank, field_size, code, trace in zip(
        c.bases, c.scores, c.ranks, c.field_ranks, c.field_sizes, c.codes, c.traces, strict=True
    ):
        parts += (
            fixed(n, 8, c.run, 8, base, 8, score, 4, rank, 4, c.cohort_size),
            _int4_or_null(field_rank),
            _int4_or_null(field_size),
            tails[code],
            _LENGTH.pack(len(trace)),
            trace,
        )
    parts.append(_TRAILER)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {_target()} FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(b"".join(parts))
