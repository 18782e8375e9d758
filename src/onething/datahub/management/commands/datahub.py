from pathlib import Path
from typing import Any

from onething.core.commands import SubcommandCommand
from onething.datahub.agreements import AGREEMENTS_FILE, load_agreements
from onething.datahub.demo import load_datahub_demo


class Command(SubcommandCommand):
    help = "Shared data: sharing agreements and the local providers' demo records."
    subcommands = {
        "load": "Load the sharing agreements (数据共享需求清单) from the YAML file.",
        "demo": "Load the agreements and fill the local providers with demo records.",
    }

    def add_load_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", type=Path, default=AGREEMENTS_FILE, help="agreements YAML")

    def handle_load(self, **options: Any) -> None:
        counts = load_agreements(options["file"])
        message = "已导入：{agreements} 份有效的数据共享协议（停用 {retired} 份）"
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))

    def handle_demo(self, **options: Any) -> None:
        counts = load_datahub_demo()
        message = (
            "共享数据演示数据已就绪：{agreements} 份共享协议；人口库 {population} 人、"
            "婚姻登记 {marriage} 条、社保 {social_security} 人、出生医学证明 {birth_record} 条、"
            "法人库 {enterprise} 家、不动产 {real_estate} 处"
        )
        self.stdout.write(self.style.SUCCESS(message.format(**counts)))
