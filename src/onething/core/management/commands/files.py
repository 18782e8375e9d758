"""``onething files``: uploaded files that no row names (``onething.core.orphans``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from onething.core.commands import SubcommandCommand
from onething.core.orphans import orphan_files, orphans_prune, orphans_schedule_once


class Command(SubcommandCommand):
    help = "Uploaded files (上传文件)."
    subcommands = {
        "orphans": "List the files no row names (older than --hours, 24); --delete them.",
        "schedule": "Queue the nightly prune of such files (the worker runs it at 03:00).",
    }

    def add_orphans_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=float, default=24.0)
        parser.add_argument("--delete", action="store_true")

    def handle_orphans(self, **options: Any) -> None:
        older_than = dt.timedelta(hours=options["hours"])
        if options["delete"]:
            deleted = orphans_prune(older_than=older_than)
            self.stdout.write(f"已删除 {deleted} 个无人引用的文件 (deleted {deleted} orphan files)")
            return
        found = [name for _, name in orphan_files(older_than=older_than)]
        for name in found:
            self.stdout.write(name)
        self.stdout.write(f"共 {len(found)} 个无人引用的文件 ({len(found)} orphan files)")

    def handle_schedule(self, **options: Any) -> None:
        if orphans_schedule_once():
            self.stdout.write("已安排每晚清理 (nightly prune queued)")
        else:
            self.stdout.write("每晚清理已在队列中 (already queued)")
