"""The search documents of listings: text, facet tokens, and the re-indexer.

Only listings the public may see (`PUBLIC_STATUSES`) have a document; any other status removes
it, so a withdrawn or expired listing drops out of search the moment its service commits. The
listings services call `index_listing` after every write of a listing, inside their transaction.
"""

from collections.abc import Callable, Iterable
from typing import Any

from nesta.core import search
from nesta.core.models import SearchDocument, TaxonomyNode
from nesta.market.models import Listing
from nesta.market.models.choices import PUBLIC_STATUSES
from nesta.market.selectors.facets import (
    band_token,
    field_token,
    ip_token,
    maturity_token,
    org_token,
    price_band,
    status_tokens,
)
from nesta.market.selectors.search import drop_facet_cache

DOC_TYPE = "listing"
# The text fields of `details` worth searching, per kind (choice codes and numbers are not).
DETAIL_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "achievement": ("team", "application"),
    "demand": ("problem", "indicators"),
    "property_right": ("asset", "conditions"),
    "financing": ("use_of_funds",),
    "investor": ("fields_text",),
    "capacity": ("materials", "certifications", "monthly_capacity", "equipment"),
    "outsourcing": ("materials", "certifications", "quantity"),
    "agri_variety": ("product", "variety", "suitable_regions", "yield_note"),
    "agri_supply": ("product", "variety", "origin", "season"),
    "agri_demand": ("product", "variety", "origin", "season", "delivery_place"),
    "service": ("qualifications", "pricing"),
}
_PUBLIC = {str(s) for s in PUBLIC_STATUSES}
RELATED = ("organization", "field__parent__parent", "province", "city")  # what a document reads


def field_codes(field: TaxonomyNode) -> list[str]:
    """The field's code and its ancestors' (parent first), so filtering by a parent finds its
    children. Reads parent links already loaded (select_related up to two levels)."""
    codes = [field.code]
    node = field
    for _level in range(4):  # the taxonomy is shallow; the bound guards a cycle
        if node.parent is None:
            break
        node = node.parent
        codes.append(node.code)
    return codes


def listing_text(listing: Listing) -> str:
    details = listing.details or {}
    parts = [listing.title, listing.keywords, listing.summary]
    parts += [str(details.get(name) or "") for name in DETAIL_TEXT_FIELDS.get(listing.kind, ())]
    parts += [listing.field.name, listing.organization.name]
    return " ".join(p for p in parts if p)


def facet_tokens(listing: Listing) -> list[str]:
    """The organisation first (the facet counts cut it off: it is the one token nearly unique
    per document), then status, field path, maturity, IP type and price band."""
    tokens = [org_token(listing.organization_id), *status_tokens(listing.status)]
    tokens += [field_token(c) for c in field_codes(listing.field)]
    if listing.maturity:
        tokens.append(maturity_token(listing.maturity))
    if listing.ip_type:
        tokens.append(ip_token(listing.ip_type))
    band = price_band(price_low=listing.price_low, price_high=listing.price_high, negotiable=listing.price_negotiable)
    tokens.append(band_token(band))
    return tokens


def listing_search_document(listing: Listing) -> SearchDocument:
    """The listing's document (organisation, field with ancestors, province and city loaded)."""
    return search.engine.build_document(
        DOC_TYPE,
        listing.pk,
        text=listing_text(listing),
        province_code=listing.province.code,
        city_code=listing.city.code if listing.city is not None else "",
        kind=listing.kind,
        fields=facet_tokens(listing),
    )


def index_listing(listing: Listing) -> None:
    """Write (or remove) the listing's search document after a change; call inside the service's
    transaction so the document and the listing commit together."""
    drop_facet_cache()
    if listing.status not in _PUBLIC:
        search.engine.unindex(DOC_TYPE, listing.pk)
        return
    listing = Listing.objects.select_related(*RELATED).get(pk=listing.pk)
    search.engine.index_many([listing_search_document(listing)])


def index_listings(listings: Iterable[Listing]) -> int:
    """Bulk-index listings already loaded with their relations (`RELATED`); non-public ones are
    removed instead."""
    drop_facet_cache()
    docs, gone = [], []
    for listing in listings:
        if listing.status in _PUBLIC:
            docs.append(listing_search_document(listing))
        else:
            gone.append(listing.pk)
    for i in range(0, len(gone), 900):
        SearchDocument.objects.filter(doc_type=DOC_TYPE, object_id__in=gone[i : i + 900]).delete()
    if docs:
        search.engine.index_many(docs)
    return len(docs)


def listings_reindex(*, batch_size: int = 2000, progress: Callable[[int], Any] | None = None) -> int:
    """Rebuild every listing's document: public listings indexed, stale documents removed."""
    drop_facet_cache()
    public_ids = Listing.objects.filter(status__in=_PUBLIC)
    SearchDocument.objects.filter(doc_type=DOC_TYPE).exclude(object_id__in=public_ids.values("pk")).delete()
    done = 0
    last = 0
    qs = public_ids.select_related(*RELATED).order_by("pk")
    while True:
        batch = list(qs.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        search.engine.index_many([listing_search_document(x) for x in batch])
        last = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done)
    return done


def reindex_organization_listings(organization_id: int) -> None:
    """Re-index an organisation's public listings after its name or place changed (their
    documents quote the name); registered with core.search as a dependent of organisations."""
    qs = Listing.objects.filter(organization_id=organization_id, status__in=_PUBLIC).select_related(*RELATED)
    index_listings(list(qs))
