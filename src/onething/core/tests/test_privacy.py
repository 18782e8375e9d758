"""Personal numbers are never stored or logged in clear, and production settings pass
Django's deployment checks."""

import logging
import os
import re
import subprocess
import sys

from django.apps import apps
from django.db import connection

from onething.accounts.demo import load_demo
from onething.accounts.models import Person
from onething.core.masking import MaskPIIFilter

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
