"""A listing's text as the matcher reads it: title, keywords, and the rest (summary, the kind's
text fields, the labels of its chosen processes and service type), stored or not."""

_DETAIL_TEXT = (
    "problem",
    "indicators",
    "application",
    "team",
    "materials",
    "equipment",
    "certifications",
    "product",
    "variety",
    "suitable_regions",
    "yield_note",
    "origin",
    "fields_text",
    "use_of_funds",
    "qualifications",
    "conditions",
    "asset",
)


def _choice_labels(details: dict) -> list[str]:
    from nesta.market.models.choices import Process, ServiceType

    labels = [str(Process(p).label) for p in details.get("processes", []) if p in Process.values]
    if details.get("service_type") in ServiceType.values:
        labels.append(str(ServiceType(details["service_type"]).label))
    return labels


def listing_parts(listing) -> tuple[str, str, str]:
    """(title, keywords, the rest of the text) of a listing, stored or not."""
    details = listing.details if isinstance(listing.details, dict) else {}
    body = [listing.summary or ""]
    body += [str(details[k]) for k in _DETAIL_TEXT if isinstance(details.get(k), str) and details.get(k)]
    body += _choice_labels(details)
    keywords = " ".join(listing.keyword_list) if listing.keywords else ""
    return listing.title or "", keywords, "\n".join(body)


def listing_text(listing) -> str:
    return "\n".join(listing_parts(listing))
