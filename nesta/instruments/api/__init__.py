"""The instrument network's API: one router per concern, mounted together under /api/v1."""

from ninja import Router

from nesta.instruments.api.availability import router as availability_router
from nesta.instruments.api.bookings import router as bookings_router
from nesta.instruments.api.fees import router as fees_router
from nesta.instruments.api.me import router as me_router
from nesta.instruments.api.openness import router as openness_router
from nesta.instruments.api.orders import router as orders_router
from nesta.instruments.api.payers import router as payers_router
from nesta.instruments.api.problems import router as problems_router
from nesta.instruments.api.registry import router as registry_router
from nesta.instruments.api.training import router as training_router
from nesta.instruments.api.waitlist import router as waitlist_router

router = Router()
router.add_router("/", registry_router)
router.add_router("/", bookings_router)
router.add_router("/", orders_router)
router.add_router("/", payers_router)
router.add_router("/", fees_router)
router.add_router("/", openness_router)
router.add_router("/", availability_router)
router.add_router("/", me_router)
router.add_router("/", problems_router)
router.add_router("/", waitlist_router)
router.add_router("/", training_router)
