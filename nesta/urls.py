from django.urls import include, path

from nesta.api import api
from nesta.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Web UI routes (home, accounts, directory, audit) are added below by the web layer.
]
