from pathlib import Path
from typing import Any

from onething.catalog.exchange import FORMATS, bundle_counts, export_to, import_catalog
from onething.catalog.figures import figures_markdown
from onething.catalog.loader import DATA_DIR, load_catalog
from onething.core.commands import SubcommandCommand

COUNTS = "{data_elements} 个数据元、{items} 个政务服务事项、{one_things} 件“一件事”"
COUNTS_EN = "{data_elements} data elements, {items} service items, {one_things} one-things"


class Command(SubcommandCommand):
    help = "The catalog of service items and one-things."
    subcommands = {
        "load": "Load catalog/data (one transaction; nothing half-loaded).",
        "export": "Export the catalog from the database (yaml directory, json or xlsx).",
        "import": "Import a yaml directory, .json or .xlsx file (checked first; one transaction).",
        "figures": "Print (or --write) the before/after table of the catalog as Markdown.",
    }

    def add_figures_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", type=Path, help="write to this Markdown file")
        parser.add_argument("--detailed", action="store_true", help="only with official figures")

    def handle_figures(self, **options: Any) -> None:
        table = figures_markdown(detailed_only=options["detailed"])
        if options["write"]:
            options["write"].write_text(table, encoding="utf-8")
        self.stdout.write(table)

    def add_load_arguments(self, parser: Any) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR)

    def handle_load(self, **options: Any) -> None:
        counts = load_catalog(options["data_dir"])
        self.stdout.write(self.style.SUCCESS(("已导入：" + COUNTS).format(**counts)))

    def add_export_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=FORMATS, default="xlsx", help="导出格式 format")
        parser.add_argument("--out", type=Path, required=True, help="输出路径 output path")

    def handle_export(self, **options: Any) -> None:
        counts = bundle_counts(export_to(options["format"], options["out"]))
        message = f"已导出到 {options['out']}：{COUNTS}（exported: {COUNTS_EN}）"
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))

    def add_import_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help=".xlsx、.json 或 YAML 目录 (file or directory)")

    def handle_import(self, **options: Any) -> None:
        counts = import_catalog(options["path"])
        message = (
            f"已导入：{COUNTS}，其中 {{new_versions}} 件发布了新版本"
            f"（imported: {COUNTS_EN}; {{new_versions}} published a new version）"
        )
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))
