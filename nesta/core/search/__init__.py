"""Full-text search for every catalogue: one interface, two backends.

    index(doc_type, object_id, text=..., province_code=..., city_code=..., kind=..., fields=[...])
    unindex(doc_type, object_id)
    search(doc_type, q, province=..., city=..., kind=..., field=..., limit=20, offset=0) -> Hits
    facets(doc_type, q, ...) -> {"province": {...}, "city": {...}, "kind": {...}}

On SQLite the segmented text sits in an FTS5 table ranked by bm25(); on PostgreSQL in a
tsvector column with a GIN index ranked by ts_rank. Which one runs follows the connection.
"""

from nesta.core.search.engine import Hits, facets, index, index_many, search, unindex
from nesta.core.search.segment import add_terms, index_tokens, query_tokens

__all__ = ["Hits", "add_terms", "facets", "index", "index_many", "index_tokens", "query_tokens", "search", "unindex"]
