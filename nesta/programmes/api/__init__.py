"""The programmes' API under /api/v1/ (programmes, calls, applications, reviews, budget,
subsidies), one router per part."""

from ninja import Router

from nesta.programmes.api import (
    applications,
    assignment,
    budget,
    calls,
    programmes,
    projects,
    reviews,
    selection,
    subsidies,
)

router = Router()
for part in (programmes, calls, applications, assignment, reviews, selection, projects, budget, subsidies):
    router.add_router("", part.router)
