from typing import Any

from onething.core.commands import SubcommandCommand
from onething.org.loader import load_org


class Command(SubcommandCommand):
    help = "Regions, departments, halls and windows."
    subcommands = {"load": "Load org/data/*.yaml (one transaction)."}

    def handle_load(self, **options: Any) -> None:
        counts = load_org()
        self.stdout.write(
            self.style.SUCCESS(
                "已导入：{regions} 个行政区划、{departments} 个部门、{halls} 个服务大厅".format(
                    **counts
                )
            )
        )
