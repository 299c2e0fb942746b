"""The typed JSON API under /api/v1 (django-ninja). Routers live in each domain's api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="东北振兴科技行动平台 API", version="1.0.0", urls_namespace="api")
