"""A small base for management commands with sub-commands (``onething catalog load``)."""

from __future__ import annotations

from argparse import ArgumentParser, _SubParsersAction
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from .errors import DomainError


class SubcommandCommand(BaseCommand):
    """Sub-commands are methods named ``handle_<name>``; ``add_<name>_arguments`` adds options."""

    subcommands: dict[str, str] = {}

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub: _SubParsersAction[Any] = parser.add_subparsers(dest="subcommand", required=True)
        for name, help_text in self.subcommands.items():
            child = sub.add_parser(name, help=help_text)
            adder = getattr(self, f"add_{name}_arguments", None)
            if adder is not None:
                adder(child)

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"handle_{options['subcommand']}")
        try:
            handler(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
