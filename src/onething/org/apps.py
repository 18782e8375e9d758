from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "onething.org"
    label = "org"
    verbose_name = _("行政区划与部门")
