from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "onething.notify"
    label = "notify"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from . import gateways  # noqa: F401 - registers the built-in channels
