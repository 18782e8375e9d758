"""Compile translations with polib, so no GNU gettext is needed on a fresh machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings

from onething.core.commands import SubcommandCommand


def compile_catalogs(locale_dirs: list[Path]) -> list[Path]:
    written = []
    for base in locale_dirs:
        for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


class Command(SubcommandCommand):
    help = "Translations."
    subcommands = {"compile": "Compile .po files into .mo files (only those out of date)."}

    def handle_compile(self, **options: Any) -> None:
        written = compile_catalogs([Path(p) for p in settings.LOCALE_PATHS])
        self.stdout.write(f"已编译 {len(written)} 个翻译文件 (compiled {len(written)} catalogs)")
