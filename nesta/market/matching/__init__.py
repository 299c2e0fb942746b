"""Matching: for any listing, ranked listings of the complementary kinds, each with its reasons.

    engine.top_matches(listing, limit=20, method="hybrid" | "bm25") -> list[Match]

candidates.py keeps the matcher's own documents in the platform's search index (doc type
``market_match``: public listings only, with the thesaurus concepts each one mentions as extra
tokens) and draws candidates from it with OR semantics; scoring.py, weights.py and reasons.py
make the one score and say why; thesaurus.py is the in-memory domain thesaurus; tasks.py tells
both owners of a strong new match. docs/market-matching.md has the design and the measurements.
"""
