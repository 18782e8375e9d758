"""Personal numbers are never stored, logged or shown in clear, and production settings pass
Django's deployment checks."""

import io
import logging
import os
import re
import subprocess
import sys
import zipfile

import pytest
from django.apps import apps
from django.db import connection

from onething.accounts.demo import load_demo
from onething.accounts.models import Person
from onething.core.masking import MaskPIIFilter, mask_id_number, mask_phone
from onething.core.tests.permission_matrix import (
    ADMIN_PAGES,
    ANONYMOUS,
    PAGES,
    Response,
    build_world,
    clients,
    open_page,
    pin_clock,
)
from onething.datahub import demo as datahub_demo

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _text_columns():
    for model in apps.get_models():
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            if field.get_internal_type() in {"CharField", "TextField", "JSONField"}:
                yield table, field.column


def test_no_table_holds_a_clear_id_or_phone_number(catalog):
    load_demo()
    numbers = {p.id_number for p in Person.objects.all()} | {
        p.phone for p in Person.objects.all() if p.phone
    }
    assert numbers
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(f'SELECT "{column}" FROM "{table}"')
            for (value,) in cursor.fetchall():
                text = str(value or "")
                assert not any(n in text for n in numbers), f"{table}.{column} holds a number"


def test_log_lines_are_masked(caplog):
    logger = logging.getLogger("onething.test")
    mask = MaskPIIFilter()
    logger.addFilter(mask)
    try:
        with caplog.at_level(logging.INFO, logger="onething.test"):
            logger.info("申请人 %s 电话 %s", "11010519491231002X", "13812345678")
    finally:
        logger.removeFilter(mask)
    assert "11010519491231002X" not in caplog.text and "13812345678" not in caplog.text
    assert "1101**********002X" in caplog.text


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onething.settings.production",
        "ONETHING_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
        "ONETHING_PII_KEY": "00112233445566778899aabbccddeeff",
        "ONETHING_PII_HMAC_KEY": "abcdef0123",
        "ONETHING_ALLOWED_HOSTS": "onething.example.cn",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_keys():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onething.settings.production"}
    for name in ("ONETHING_SECRET_KEY", "ONETHING_PII_KEY", "ONETHING_PII_HMAC_KEY"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "must be set in production" in result.stderr


# ---------------------------------------------------------------- what the pages show


@pytest.fixture
def world(catalog, monkeypatch):
    pin_clock(monkeypatch)
    return build_world()


def _text_of(response: Response) -> str:
    """What a person reading the answer sees: the page, a PDF's text, a workbook's cells."""
    streamed = response.streaming  # files (materials, evidence) are streamed
    data = b"".join(response.streaming_content) if streamed else response.content
    kind = response.get("Content-Type", "")
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            pages = PdfReader(io.BytesIO(data)).pages
            text = "\n".join(page.extract_text() or "" for page in pages)
        except Exception:  # the uploaded test files are tiny, not quite valid PDFs
            text = ""
        return text + data.decode("latin-1")
    if data.startswith(b"PK"):  # .xlsx
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert kind.startswith(("text/", "application/json", "image/")) or not data, kind
    return data.decode("utf-8", "replace")


def test_no_page_shows_a_clear_id_or_phone_number(world):
    """Every page the permission matrix opens, as every user allowed to open it (the public
    ones also signed out): ID and phone numbers only ever masked (3211**********1238)."""
    people = list(Person.objects.all())
    numbers = {p.id_number for p in people} | {p.phone for p in people if p.phone}
    # the family members the registers know (prefill shows them): no account, same rule
    numbers |= {row[0] for row in datahub_demo.PEOPLE} | {datahub_demo.ZHOU_DEMING}
    assert len(numbers) >= 14  # 5 people (ID, phone), 4 more in the register
    shown: list[str] = []
    masked_seen = set()
    masked = {mask_id_number(n) for n in numbers if len(n) == 18} | {
        mask_phone(n) for n in numbers if len(n) == 11
    }
    opened = 0
    for name, client in clients(world).items():
        for page in [*PAGES, *ADMIN_PAGES]:
            if name not in page.allowed:
                continue
            response, _changed = open_page(client, world, page)
            assert not isinstance(response, Exception), (page.key, name, response)
            text = _text_of(response)
            opened += 1
            shown += [f"{page.key} as {name}: {n}" for n in numbers if n in text]
            masked_seen |= {m for m in masked if m in text}
            if page.signs_out and name != ANONYMOUS:
                client.force_login(world.users[name])
    assert not shown, "clear numbers shown:\n" + "\n".join(shown)
    assert opened > 300
    # the scan would have seen them: the masked forms are there
    zhangsan = Person.objects.get(user__username="zhangsan")
    assert mask_id_number(zhangsan.id_number) in masked_seen
    assert mask_phone(zhangsan.phone) in masked_seen
