from typing import Any

from onething.accounts.demo import load_demo
from onething.core.commands import SubcommandCommand


class Command(SubcommandCommand):
    help = "Demo applicants, enterprises, agents and staff."
    subcommands = {
        "load": "Create the demo accounts (safe to run again).",
        "cases": "Create a few demo applications in different states (once).",
    }

    def handle_cases(self, **options: Any) -> None:
        from onething.cases.demo import load_demo_cases

        counts = load_demo_cases()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示办件已就绪：新增 {counts['applications']} 件 "
                f"(demo applications: {counts['applications']} created)"
            )
        )

    def handle_load(self, **options: Any) -> None:
        counts = load_demo()
        message = "演示数据已就绪：{applicants} 位群众、{enterprises} 家企业、{staff} 位工作人员"
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))
