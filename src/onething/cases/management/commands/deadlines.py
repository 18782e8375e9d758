import datetime as dt
from typing import Any

from onething.cases.deadlines import deadlines_check, deadlines_schedule_once
from onething.core.commands import SubcommandCommand


class Command(SubcommandCommand):
    help = "Deadline warnings (黄牌、红牌)."
    subcommands = {
        "check": "Raise the warnings due today (or --on DATE) once.",
        "schedule": "Queue the daily background check (the worker runs it every morning).",
    }

    def add_check_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None)

    def handle_check(self, **options: Any) -> None:
        raised = deadlines_check(options["on"])
        self.stdout.write(
            f"即将到期 {raised['yellow']} 件，已超期 {raised['red']} 件 "
            f"(yellow {raised['yellow']}, red {raised['red']})"
        )

    def handle_schedule(self, **options: Any) -> None:
        if deadlines_schedule_once():
            self.stdout.write("已安排每日到期检查 (daily deadline check queued)")
        else:
            self.stdout.write("每日到期检查已在队列中 (already queued)")
