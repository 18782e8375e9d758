"""Figures as people read them: “—” where there is nothing to show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()
DASH = "—"


@register.filter
def figure(value: Any) -> str:
    """A count or average: 12 · 3.5 · —."""
    if value is None or value == "":
        return DASH
    if isinstance(value, float | Decimal):
        text = f"{value:.1f}"
        return text.removesuffix(".0")
    return str(value)


@register.filter
def percent(value: Any) -> str:
    """A rate in percent: 87.5% · —."""
    if value is None:
        return DASH
    return f"{float(value):.1f}%".replace(".0%", "%")
