"""The match-quality labelled set (JSON Lines, kept in the repository; docs/market-match-quality.md)."""
