from django.urls import include, path, re_path

from nesta.api import api, api_not_found
from nesta.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    # Web UI routes (home, accounts, directory, audit) are added below by the web layer.
]
