"""The domain thesaurus in memory: which concepts a text mentions, and with which words.

A term is matched in the normalised text as a substring; a term written with ``*`` between its
parts (``焊缝*裂``) matches its parts in order with at most GAP characters between them, so
plant-floor phrasing with fillers (焊缝老是裂, 焊缝总开裂) is found without listing every variant.
The table is read once per process and again whenever its version in the database moves
(checked every CHECK_EVERY seconds, at once after this process's own edit), so the operator's
edits reach every worker within seconds.
"""

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from nesta.core.search.segment import index_tokens, normalize

CHECK_EVERY = 5.0  # seconds between two looks at the cached version
GAP = 8
CONCEPT_PREFIX = "zc"  # the index token of concept 12 is "zc12"


@dataclass(frozen=True)
class Term:
    text: str
    concept_id: int
    role: str
    pattern: re.Pattern | None
    ascii: bool = False


def _alnum(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


@dataclass
class Thesaurus:
    concepts: dict[int, str] = field(default_factory=dict)  # id → name
    terms: list[Term] = field(default_factory=list)
    # first two characters of a plain term (or its first part) → terms starting there
    _by_prefix: dict[str, list[Term]] = field(default_factory=dict)
    words: dict[int, list[str]] = field(default_factory=dict)  # concept → the query tokens of its terms

    def add(self, term: Term) -> None:
        self.terms.append(term)
        head = term.text.split("*", 1)[0]
        self._by_prefix.setdefault(head[:2], []).append(term)

    def detect(self, text: str, only: set[int] | None = None) -> dict[int, list[str]]:
        """The concepts `text` mentions → the terms found (in the order first seen); `only`: look
        for these concepts alone (the reasons of a match, cheaper)."""
        text = normalize(text)
        found: dict[int, list[str]] = {}
        if not self.terms or not text:
            return found
        n = len(text)
        for i in range(n - 1):
            for term in self._by_prefix.get(text[i : i + 2], ()):
                if only is not None and term.concept_id not in only:
                    continue
                if term.pattern is None:
                    hit = text.startswith(term.text, i)
                    end = i + len(term.text)
                else:
                    found_at = term.pattern.match(text, i)
                    hit = found_at is not None
                    end = found_at.end() if found_at else i
                if hit and term.ascii and (_alnum(text, i - 1) or _alnum(text, end)):
                    hit = False  # "ai" is no word inside "email"
                if hit:
                    seen = found.setdefault(term.concept_id, [])
                    surface = text[i:end]  # what the text says (焊缝老是裂), not the pattern
                    if surface not in seen:
                        seen.append(surface)
        return found


def concept_token(concept_id: int) -> str:
    return f"{CONCEPT_PREFIX}{concept_id}"


def _compile(text: str) -> re.Pattern | None:
    if "*" not in text:
        return None
    parts = [re.escape(p) for p in text.split("*") if p]
    return re.compile((".{0," + str(GAP) + "}?").join(parts))


def build(rows: list[tuple[int, str, str, str]]) -> Thesaurus:
    """rows: (concept id, concept name, term, role) of the active concepts."""
    th = Thesaurus()
    for concept_id, name, term_text, role in rows:
        th.concepts[concept_id] = name
        text = normalize(term_text).strip()
        if len(text.split("*", 1)[0]) < 2:
            continue  # detection starts from a term's first two characters
        ascii_edge = text[0].isascii() or text[-1].isascii()
        th.add(Term(text=text, concept_id=concept_id, role=role, pattern=_compile(text), ascii=ascii_edge))
    # The terms are not added to the segmenter's dictionary: it is shared with search, and a
    # longer dictionary word changes how everything around it is cut (搅拌摩擦焊接 → 搅拌摩擦焊 + 接).
    for term in th.terms:
        words = th.words.setdefault(term.concept_id, [])
        for part in term.text.split("*"):
            for token in index_tokens(part):
                if len(token) >= 2 and token not in words:
                    words.append(token)
    return th


_lock = threading.Lock()
_state: dict[str, Any] = {"thesaurus": None, "version": None, "checked": 0.0}


def _load_rows() -> list[tuple[int, str, str, str]]:
    from nesta.market.models import ThesaurusTerm

    return list(
        ThesaurusTerm.objects.filter(concept__is_active=True)
        .order_by("concept_id", "id")
        .values_list("concept_id", "concept__name", "term", "role")
    )


def _db_version() -> tuple:
    """What moves whenever the table changes: concepts and terms counted, the last concept saved
    (the services save the concept with every change of its terms). Read from the database, not
    from the cache, so that every worker process sees an edit (the cache is per process)."""
    from django.db.models import Count, Max

    from nesta.market.models import ThesaurusConcept, ThesaurusTerm

    row = ThesaurusConcept.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (row["n"], str(row["last"]), ThesaurusTerm.objects.count())


def bump_version() -> None:
    """Called by the thesaurus services after a change commits: look again on the next call."""
    _state["checked"] = 0.0


def current() -> Thesaurus:
    now = time.monotonic()
    th = _state["thesaurus"]
    if th is not None and now - float(_state["checked"]) < CHECK_EVERY:
        return th  # type: ignore[return-value]
    version = _db_version()
    with _lock:
        if _state["thesaurus"] is None or _state["version"] != version:
            _state["thesaurus"] = build(_load_rows())
            _state["version"] = version
        _state["checked"] = now
        return _state["thesaurus"]  # type: ignore[return-value]


def reset() -> None:
    """Forget the loaded table (tests; the next call reloads)."""
    _state.update({"thesaurus": None, "version": None, "checked": 0.0})
