from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from onething.core.errors import NotFound
from onething.core.views import not_found

from .search import search_one_things
from .selectors import one_thing_get, one_things_by_stage, one_things_published


def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    one_things = list(one_things_published())
    return render(
        request,
        "catalog/home.html",
        {
            "query": query,
            "results": search_one_things(query) if query else None,
            "grouped": one_things_by_stage(one_things),
            "count": len(one_things),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """The live-search fragment (htmx); without htmx, the full home page with results."""
    if not request.headers.get("HX-Request"):
        return home(request)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "catalog/_results.html",
        {
            "query": query,
            "results": search_one_things(query) if query else None,
        },
    )


def one_thing_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        one_thing = one_thing_get(code)
    except NotFound as exc:
        return not_found(request, exc)
    return render(request, "catalog/one_thing.html", {"one_thing": one_thing})
