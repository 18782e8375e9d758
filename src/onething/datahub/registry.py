"""The data providers, by code.

Every provider module under ``providers/`` registers its local implementation with the one
module-level ``register`` (they are imported in ``DatahubConfig.ready``)::

    @register("population")
    class PopulationProvider(LocalProvider): ...

A deployment points a resource at the real provider through settings, without code::

    ONETHING_DATA_PROVIDERS = {
        "population": {"url": "https://rk.example.gov.cn/share/v1/query", "secret": "…",
                       "client_id": "jr-onething", "timeout": 3, "retries": 2},
    }

``provider_get`` then answers with an ``HttpProvider`` that keeps the local provider's
description (name, fields, locks) and fetches over HTTP. Tests pass their own ``Registry``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from onething.core.errors import NotFound
from onething.plugins.registry import Registry

from .base import DataProvider

register = Registry[DataProvider]()


def _configured() -> dict[str, dict[str, Any]]:
    return dict(getattr(settings, "ONETHING_DATA_PROVIDERS", {}) or {})


def provider_get(code: str, *, registry: Registry[DataProvider] | None = None) -> DataProvider:
    """The provider for a resource code: the configured remote one, else the local one."""
    plugins = register if registry is None else registry
    if code not in plugins:
        raise NotFound(
            code="provider_not_found",
            message=f"没有名为“{code}”的共享数据源。",
            message_en=f"There is no data provider {code!r}.",
            details={"provider": code},
        )
    local = plugins[code]
    config = _configured().get(code)
    if config:
        from .providers.http import HttpProvider

        return HttpProvider.for_resource(local, **config)
    return local


def providers_all(*, registry: Registry[DataProvider] | None = None) -> list[DataProvider]:
    plugins = register if registry is None else registry
    return [provider_get(plugin.code, registry=plugins) for plugin in plugins]
