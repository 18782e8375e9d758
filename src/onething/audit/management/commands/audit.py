from typing import Any

from django.core.management.base import CommandError

from onething.audit.chain import verify_application
from onething.cases.models import Application
from onething.core.commands import SubcommandCommand


class Command(SubcommandCommand):
    help = "The tamper-evident timeline."
    subcommands = {"verify": "Recompute every application's SM3 chain and report problems."}

    def handle_verify(self, **options: Any) -> None:
        problems: list[str] = []
        count = 0
        for application in Application.objects.iterator(chunk_size=500):
            count += 1
            problems += verify_application(application)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"发现 {len(problems)} 处问题 ({len(problems)} problems found)")
        self.stdout.write(
            self.style.SUCCESS(
                f"已核验 {count} 件办件的事件链，未发现改动 (all {count} chains intact)"
            )
        )
