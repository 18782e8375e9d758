from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PROVIDER_MODULES = [
    "population",
    "enterprise",
    "marriage",
    "social_security",
    "birth_record",
    "real_estate",
]


class DatahubConfig(AppConfig):
    name = "onething.datahub"
    label = "datahub"
    verbose_name = _("共享数据")

    def ready(self) -> None:
        # each provider module registers its local implementation with registry.register
        for module in PROVIDER_MODULES:
            import_module(f"{self.name}.providers.{module}")
