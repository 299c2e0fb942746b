"""The market's reference data: the domain thesaurus seed (matching/seed_*.py).

Loaded idempotently by `manage.py load_reference` (registered as "market thesaurus", order 50):
a seeded concept is found by its reference key, or adopted by its name when the operator made
one of that name first; a missing seed term is added; nothing the operator added, renamed or
switched off is undone. A seeded concept the operator deleted comes back on the next load (there
is no tombstone); switching it off (启用 unticked) is the way to keep it out of matching.
"""

from django.db import transaction

from nesta.core.models import TaxonomyNode
from nesta.market.matching import seed_industry, seed_sectors
from nesta.market.models import ThesaurusConcept, ThesaurusTerm

ROLES = ("problem", "phenomenon", "technique", "synonym")


def seed_concepts() -> list[dict]:
    """The seed as records: key, name, field code, [(term, role)]."""
    out = []
    for module in (seed_industry, seed_sectors):
        for line in module.CONCEPTS.strip().splitlines():
            key, name, field, *groups = line.split("|")
            terms: list[tuple[str, str]] = []
            seen: set[str] = set()
            for role, group in zip(ROLES, groups, strict=True):
                for term in group.split():
                    if term not in seen:
                        seen.add(term)
                        terms.append((term, role))
            out.append({"key": key, "name": name, "field": field, "terms": terms})
    return out


def load_thesaurus() -> int:
    """Create or complete the seeded concepts; returns how many terms were added."""
    seed = seed_concepts()
    fields = dict(TaxonomyNode.objects.values_list("code", "id"))
    added = 0
    with transaction.atomic():
        by_key = {c.reference_key: c for c in ThesaurusConcept.objects.filter(reference_key__isnull=False)}
        by_name = {c.name: c for c in ThesaurusConcept.objects.all()}
        for item in seed:
            concept = by_key.get(item["key"])
            if concept is None:
                concept = by_name.get(item["name"])
                if concept is not None and concept.reference_key is None:
                    concept.reference_key = item["key"]
                    concept.save(update_fields=["reference_key"])
                elif concept is None:
                    concept = ThesaurusConcept.objects.create(
                        name=item["name"], field_id=fields.get(item["field"]), reference_key=item["key"]
                    )
                else:
                    continue  # that name belongs to another seeded concept: leave both alone
            have = set(concept.terms.values_list("term", flat=True))
            new = [ThesaurusTerm(concept=concept, term=t, role=r) for t, r in item["terms"] if t not in have]
            ThesaurusTerm.objects.bulk_create(new)
            added += len(new)
    from nesta.market.matching.thesaurus import bump_version

    transaction.on_commit(bump_version)
    return added
