import datetime as dt
from typing import Any

from django.core.management.base import CommandError

from onething.core.commands import SubcommandCommand
from onething.hotline.escalation import escalate_schedule_once, tickets_escalate
from onething.hotline.knowledge import kb_build


class Command(SubcommandCommand):
    help = "12345 hotline: the knowledge base and the escalation of overdue tickets (督办)."
    subcommands = {
        "kb": "Knowledge base: `kb build` writes the entries generated from the published catalog.",
        "escalate": "Escalate every ticket past its answer deadline today (or --on DATE), once.",
        "schedule": "Queue the daily background escalation (the worker runs it every morning).",
    }

    def add_kb_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["build"])

    def add_escalate_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None)

    def handle_kb(self, **options: Any) -> None:
        if options["action"] != "build":  # pragma: no cover - argparse restricts it
            raise CommandError("unknown action")
        counts = kb_build()
        self.stdout.write(
            f"知识库：新增 {counts['created']} 条，更新 {counts['updated']} 条，"
            f"停用 {counts['retired']} 条，未变 {counts['unchanged']} 条 "
            f"(created {counts['created']}, updated {counts['updated']}, "
            f"retired {counts['retired']}, unchanged {counts['unchanged']})"
        )

    def handle_escalate(self, **options: Any) -> None:
        count = tickets_escalate(options["on"])
        self.stdout.write(f"已督办超期工单 {count} 件 (escalated {count})")

    def handle_schedule(self, **options: Any) -> None:
        if escalate_schedule_once():
            self.stdout.write("已安排每日超期督办 (daily escalation queued)")
        else:
            self.stdout.write("每日超期督办已在队列中 (already queued)")
