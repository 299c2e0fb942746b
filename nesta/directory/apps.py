from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "nesta.directory"
    label = "directory"
    verbose_name = _("机构与人员名录")
