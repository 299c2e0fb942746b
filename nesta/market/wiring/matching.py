"""What the market's matching part registers with the platform: the matcher's documents kept in
step with every write of a listing (signals, inside the writing transaction), their re-index,
the thesaurus seed (reference data) and the audit events of the thesaurus."""

from typing import Any

from django.db.models.signals import post_delete, post_save


def _listing_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return  # fixtures: `manage.py reindex` builds the documents
    from nesta.market.matching.candidates import sync_listing
    from nesta.market.matching.thesaurus import current

    sync_listing(instance, current())


def _listing_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from nesta.market.matching.candidates import remove_listing

    remove_listing(instance.pk)


def register(registry: Any) -> None:
    from nesta.market.matching.candidates import DOC_TYPE, reindex
    from nesta.market.models import Listing

    post_save.connect(_listing_saved, sender=Listing, dispatch_uid="market_matching_sync")
    post_delete.connect(_listing_deleted, sender=Listing, dispatch_uid="market_matching_unsync")
    registry.search_type(DOC_TYPE, reindex)
    registry.reference_loader("market thesaurus", _load_thesaurus, order=50)


def _load_thesaurus() -> int:
    from nesta.market.reference import load_thesaurus

    return load_thesaurus()
