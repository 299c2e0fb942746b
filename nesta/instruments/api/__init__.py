"""The instrument network's API: one router per concern, mounted together under /api/v1."""

from ninja import Router

from nesta.instruments.api.bookings import router as bookings_router

router = Router()
router.add_router("/", bookings_router)
