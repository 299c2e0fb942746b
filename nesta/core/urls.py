from django.urls import path

from nesta.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.xlsx", views.audit_export_xlsx, name="audit_export"),
]
