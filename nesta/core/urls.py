from django.urls import path

from nesta.core import views

app_name = "core"

urlpatterns = [
    path("market/", views.coming_soon, {"area": "market"}, name="market"),
    path("projects/", views.coming_soon, {"area": "projects"}, name="projects"),
    path("cooperation/", views.coming_soon, {"area": "cooperation"}, name="cooperation"),
    path("strategy/", views.coming_soon, {"area": "strategy"}, name="strategy"),
    path("audit/", views.audit_log, name="audit_log"),
]
