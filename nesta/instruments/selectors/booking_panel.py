"""What the booking panel reads besides the calendar: the instrument with its rules only (the
page's own lookup joins owner, region and category for the page around it)."""

from nesta.instruments.models import Instrument


def instrument_to_book(*, pk: int) -> Instrument | None:
    return Instrument.objects.select_related("policy").filter(pk=pk).first()
