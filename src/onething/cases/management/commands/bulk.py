import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

PRODUCTION = "onething.settings.production"


class Command(BaseCommand):
    help = (
        "Load many generated applications with their tasks and applicants, for load tests "
        "(needs `org load` and `catalog load`; best on PostgreSQL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--applications", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--persons", type=int, default=None, help="applicant pool size")

    def handle(self, *args: Any, **options: Any) -> None:
        from onething.cases.bulk import bulk_load

        if settings.SETTINGS_MODULE == PRODUCTION:
            raise CommandError(
                "生产环境不能生成模拟办件和申请人 (generated applications and applicants are "
                "for load tests only; refused under the production settings)."
            )
        began = time.monotonic()
        total = options["applications"]

        def progress(done: int) -> None:
            rate = done / max(time.monotonic() - began, 1e-9)
            self.stdout.write(f"  {done}/{total} ({rate:.0f}/s)")

        counts = bulk_load(
            applications=total,
            seed=options["seed"],
            persons=options["persons"],
            progress=progress if options["verbosity"] > 0 else None,
        )
        seconds = time.monotonic() - began
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {counts['applications']} 件办件、{counts['tasks']} 件部门办件、"
                f"{counts['persons']} 位申请人、{counts['enterprises']} 家企业，"
                f"用时 {seconds:.0f} 秒 "
                f"(bulk: {counts['applications']} applications, {counts['tasks']} tasks, "
                f"{counts['events']} events in {seconds:.0f} s)"
            )
        )
