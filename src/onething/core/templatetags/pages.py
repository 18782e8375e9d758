"""``{% page_link n %}``: this page's address at page ``n``, its other filters kept."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_link(context: dict[str, Any], number: int) -> str:
    query = context["request"].GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"
