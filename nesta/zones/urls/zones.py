"""The zones' own pages (the part "zones": figures, targets, comparison)."""

from django.urls import path

from nesta.zones.views import zones

urlpatterns = [
    path("", zones.zone_list, name="list"),
    path("comparison/", zones.zone_comparison, name="comparison"),
    path("<int:pk>/", zones.zone_detail, name="detail"),
    path("<int:pk>/years/<int:year>/", zones.ZoneYearEdit.as_view(), name="year_edit"),
    path("<int:pk>/targets/", zones.ZoneTargets.as_view(), name="targets"),
    path("targets/<int:pk>/delete/", zones.target_delete, name="target_delete"),
]
