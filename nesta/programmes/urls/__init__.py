"""The programmes' web pages under /projects/ (重点项目与资金), one module per part."""

from nesta.programmes.urls import applications, assignment, budget, calls, projects, reviews, selection, subsidies

app_name = "programmes"

urlpatterns = [
    *calls.urlpatterns,
    *applications.urlpatterns,
    *assignment.urlpatterns,
    *reviews.urlpatterns,
    *selection.urlpatterns,
    *projects.urlpatterns,
    *budget.urlpatterns,
    *subsidies.urlpatterns,
]
