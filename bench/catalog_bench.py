"""Guide computation and catalog search latency over the whole catalog.

    .venv/bin/python bench/catalog_bench.py [--rounds 20] [--write docs/benchmarks.md]

Runs on a throwaway database (created here, dropped at the end) on the PostgreSQL server of
$DATABASE_URL, or on the local one at 127.0.0.1:5432 when it answers; with no PostgreSQL (or
DATABASE_URL=sqlite://…), on a SQLite file in a temporary directory. It loads the real org data
and catalog, then measures, in this process:
- guide: ``catalog.selectors.guide_for`` (query the current version + compute) for every
  one-thing, with no answers and with every situation answered each possible way;
- search: ``catalog.search.search_one_things`` for everyday phrases, words, pinyin and initials.
Prints p50/p95/p99 in milliseconds against the targets (guide p95 < 30 ms, search p95 < 20 ms).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from measure import percentiles, postgres_server, throwaway_database

QUERIES = [
    "生孩子",
    "开饭店",
    "老人去世",
    "退休",
    "xsr",
    "kbcyd",
    "结婚",
    "公租房",
    "jiehun",
    "注销公司",
    "开药店",
    "网约车",
    "孩子上学",
    "残疾人补贴",
    "不动产",
    "员工入职",
]


def setup_django(tmp: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onething.settings.dev")
    os.environ.setdefault("ONETHING_VAR_DIR", tmp)
    os.environ["ONETHING_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from onething.catalog.loader import load_catalog
    from onething.org.loader import load_org

    load_org()
    load_catalog()


def answer_sets(snapshot: dict) -> list[dict[str, str]]:
    sets: list[dict[str, str]] = [{}]
    for situation in snapshot["situations"]:
        sets += [{situation["code"]: str(a["value"])} for a in situation["answers"]]
    return sets


def timed(calls: list[Callable[[], object]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for call in calls:
            begin = time.perf_counter()
            call()
            samples.append((time.perf_counter() - begin) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    server = postgres_server()
    database = throwaway_database(server, "onething_catalogbench") if server else nullcontext("")
    with tempfile.TemporaryDirectory() as tmp, database as url:
        if url:
            os.environ["DATABASE_URL"] = url
        setup_django(tmp)
        from onething.catalog.search import search_one_things
        from onething.catalog.selectors import guide_for, versions_current

        guide_calls: list[Callable[[], object]] = []
        for version in versions_current():
            for answers in answer_sets(version.snapshot):
                guide_calls.append(
                    lambda c=version.one_thing.code, a=answers: guide_for(c, answers=a)
                )
        search_calls: list[Callable[[], object]] = [
            lambda q=q: search_one_things(q) for q in QUERIES
        ]
        timed(guide_calls + search_calls, 1)  # warm up (jieba dictionary, caches)
        from django.db import connection

        vendor = connection.vendor
        rows = [
            (
                "guide (一次告知)",
                len(guide_calls),
                percentiles(timed(guide_calls, args.rounds)),
                30,
            ),
            ("search (搜索)", len(search_calls), percentiles(timed(search_calls, args.rounds)), 20),
        ]
        connection.close()  # before the database is dropped

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, database {vendor}; "
        f"{args.rounds} rounds.",
        "",
        "| what | cases | p50 ms | p95 ms | p99 ms | target p95 | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, cases, (p50, p95, p99), target in rows:
        met = "yes" if p95 < target else "NO"
        lines.append(
            f"| {name} | {cases} | {p50:.2f} | {p95:.2f} | {p99:.2f} | < {target} | {met} |"
        )
    print("\n".join(lines))
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        header = (
            "## Catalog: guide and search\n\nCommand: `.venv/bin/python bench/catalog_bench.py "
            f"--write {args.write}` (also run by `make bench`)\n\n"
        )
        args.write.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
