"""One generic registry for plug-ins (data providers, delivery channels, gateways …).

    register = Registry[BaseProvider]()

    @register("population")
    class PopulationRegistry(BaseProvider): ...

Each plug-in module owns one module-level ``register``; tests build a fresh ``Registry`` instead
of touching the global one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self) -> None:
        self._plugins: dict[str, T] = {}

    def __call__(self, key: str) -> Callable[[type[T]], type[T]]:
        def decorator(cls: type[T]) -> type[T]:
            if key in self._plugins:
                raise ValueError(f"plug-in {key!r} is already registered")
            self._plugins[key] = cls()
            return cls

        return decorator

    def __getitem__(self, key: str) -> T:
        try:
            return self._plugins[key]
        except KeyError as exc:
            raise KeyError(f"no plug-in registered as {key!r}") from exc

    def __contains__(self, key: object) -> bool:
        return key in self._plugins

    def __iter__(self) -> Iterator[T]:
        return iter(self._plugins.values())

    def keys(self) -> list[str]:
        return list(self._plugins)
