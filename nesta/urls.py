from django.urls import include, path

from nesta.api import api
from nesta.core.health import healthz
from nesta.portal import views as portal_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Web UI: home, accounts, directory, instruments, the market, the areas being built, audit.
    path("", portal_views.home, name="home"),
    path("accounts/", include("nesta.accounts.urls")),
    path("directory/", include("nesta.directory.urls")),
    path("instruments/", include("nesta.instruments.urls")),
    path("market/", include("nesta.market.urls")),
    path("projects/", include("nesta.programmes.urls")),
    path("bases/", include("nesta.bases.urls")),
    path("zones/", include("nesta.zones.urls")),
    path("", include("nesta.core.inbox_urls")),  # /notifications/, /jobs/<id>/
    path("", include("nesta.portal.urls")),
    path("", include("nesta.core.urls")),
]

# Error pages are the templates 400.html, 403.html, 404.html and 500.html (Django's default
# handlers render them; 500.html is self-contained because it is rendered without a request).
