"""The before/after table of the catalog as Markdown, for the docs (``onething catalog figures``).

Computed figures come from ``compute_guide`` with every item included and no answers; official
figures are those stored with each one-thing (published by a provincial portal), with source.
"""

from __future__ import annotations

import datetime as dt

from .guide import Figures, compute_guide
from .selectors import versions_current

HEADER = (
    "| 一件事 | 事项 | 材料 | 表单字段 | 环节 | 跑动 | 时限（工作日） "
    "| 官方公布：材料 / 跑动 / 时限 / 环节 | 官方来源 |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def _pair(before: Figures, after: Figures, name: str) -> str:
    return f"{getattr(before, name)} → **{getattr(after, name)}**"


def figures_markdown(*, detailed_only: bool = False, start: dt.date | None = None) -> str:
    rows = [HEADER]
    for version in versions_current():
        guide = compute_guide(version.snapshot, start=start or dt.date(2026, 1, 5))
        official = guide.official
        if detailed_only and not official:
            continue
        official_text = (
            "—"
            if not official
            else " / ".join(
                f"{official[k][0]}→{official[k][1]}"
                for k in ("materials", "visits", "days", "steps")
            )
        )
        source = "—" if not official else f"{official.get('area', '')} {official.get('source', '')}"
        rows.append(
            f"| {guide.name} | {len(guide.items)} | "
            + " | ".join(
                _pair(guide.before, guide.after, n)
                for n in ("materials", "form_fields", "steps", "visits", "working_days")
            )
            + f" | {official_text} | {source.strip()} |"
        )
    return "\n".join(rows) + "\n"
