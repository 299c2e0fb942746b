"""The benchmark's queries: 1–3 words of one field of the demo generator's vocabulary, plus a province.

Words of one field go together (稀土永磁 钕铁硼, 数控机床 焊接) as a user's query would, so most
queries have results; they are drawn with a seeded random.Random, so every run asks the same.
"""

import random
from dataclasses import dataclass

from nesta.demo import names as N
from nesta.demo.generator import TAXONOMY_NAMES

PROVINCES = ["210000", "220000", "230000"]


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]
    province: str

    @property
    def q(self) -> str:
        return " ".join(self.terms)


def field_vocabulary(code: str) -> list[str]:
    name_words, terms = N.FIELD_WORDS[code]
    return sorted({TAXONOMY_NAMES[code], *name_words, *terms})


def make_queries(count: int, seed: int = 2026) -> list[Query]:
    rng = random.Random(f"bench:{seed}")
    queries = []
    for _ in range(count):
        words = field_vocabulary(rng.choice(N.ALL_FIELDS))
        if rng.random() < 0.15:  # now and then an instrument joins the query (扫描电镜, 数控机床)
            words = sorted(set(words) | {rng.choice(N.EQUIPMENT)})
        terms = tuple(rng.sample(words, min(len(words), rng.randint(1, 3))))
        queries.append(Query(terms=terms, province=rng.choice(PROVINCES)))
    return queries
