import datetime as dt
from typing import Any

from django.core.management.base import CommandError

from onething.accounts.models import ApiToken
from onething.accounts.services import department_system_token_create, token_revoke
from onething.core.commands import SubcommandCommand
from onething.org.models import Department


class Command(SubcommandCommand):
    help = "API tokens for department systems."
    subcommands = {
        "create": "Create a long-lived token scoped to one department.",
        "list": "List tokens (prefix, department, expiry).",
        "revoke": "Revoke a token by its prefix.",
    }

    def add_create_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--department",
            required=True,
            help="REGION_CODE:KIND, e.g. 321183:health (句容市卫健委)",
        )
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=365, help="validity in days (0: none)")

    def add_revoke_arguments(self, parser: Any) -> None:
        parser.add_argument("prefix")

    def handle_create(self, **options: Any) -> None:
        region_code, _, kind = options["department"].partition(":")
        department = Department.objects.filter(region__code=region_code, kind__code=kind).first()
        if department is None:
            raise CommandError(
                f"没有找到部门 {options['department']}（department not found）；"
                "格式为 区划代码:部门类别，例如 321183:health。"
            )
        days = options["days"]
        token, secret = department_system_token_create(
            department=department,
            name=options["name"],
            lifetime=dt.timedelta(days=days) if days else None,
        )
        self.stdout.write(f"部门 Department: {department.name}")
        self.stdout.write(f"有效期至 Expires: {token.expires_at or '长期 never'}")
        self.stdout.write("令牌只显示这一次，请妥善保存 (shown once; keep it safe):")
        self.stdout.write(secret)

    def handle_list(self, **options: Any) -> None:
        for token in ApiToken.objects.select_related("user", "department").order_by("created_at"):
            state = "active" if token.is_active() else "inactive"
            self.stdout.write(
                f"{token.prefix}…\t{token.name}\t{token.department or token.user}\t"
                f"{token.expires_at or '-'}\t{state}"
            )

    def handle_revoke(self, **options: Any) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"].rstrip("…")).first()
        if token is None:
            raise CommandError("没有这个令牌 (no such token)")
        token_revoke(token=token)
        self.stdout.write(self.style.SUCCESS(f"已吊销 Revoked: {token}"))
