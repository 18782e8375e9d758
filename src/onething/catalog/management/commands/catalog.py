from pathlib import Path
from typing import Any

from onething.catalog.loader import DATA_DIR, load_catalog
from onething.core.commands import SubcommandCommand


class Command(SubcommandCommand):
    help = "The catalog of service items and one-things."
    subcommands = {"load": "Load catalog/data (one transaction; nothing half-loaded)."}

    def add_load_arguments(self, parser: Any) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle_load(self, **options: Any) -> None:
        counts = load_catalog(options["data_dir"])
        message = (
            "已导入：{data_elements} 个数据元、{items} 个政务服务事项、{one_things} 件“一件事”"
        )
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))
