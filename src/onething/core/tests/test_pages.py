"""The pager every long list shares (``core/_pager.html``, ``{% page_link %}``)."""

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory


def pager(query: str, number: int, **extra: str) -> str:
    request = RequestFactory().get(f"/list/?{query}")
    page = Paginator(list(range(95)), 10).get_page(number)
    with_ = "".join(f' {k}="{v}"' for k, v in extra.items())
    template = Template(
        '{% include "core/_pager.html"' + (f" with{with_}" if extra else "") + " %}"
    )
    return template.render(Context({"request": request, "page": page}))


def test_the_links_keep_every_filter_and_change_only_the_page():
    html = pager("status=open&q=YJS+32&page=3", 3)
    assert 'href="?status=open&amp;q=YJS+32&amp;page=2" rel="prev"' in html
    assert 'href="?status=open&amp;q=YJS+32&amp;page=4" rel="next"' in html
    assert "第 3 页，共 10 页" in html


def test_the_first_and_last_pages_offer_one_way_only():
    first, last = pager("", 1), pager("page=10", 10)
    assert 'rel="prev"' not in first and 'href="?page=2" rel="next"' in first
    assert 'href="?page=9" rel="prev"' in last and 'rel="next"' not in last


def test_a_list_can_name_its_directions():
    html = pager("page=2", 2, previous="较新的记录", next="较早的记录")
    assert ">较新的记录</a>" in html and ">较早的记录</a>" in html


def test_a_filter_value_cannot_break_out_of_the_link():
    html = pager('q="><script>alert(1)</script>', 2)
    assert "<script>" not in html
    assert "%3Cscript%3E" in html


def test_one_page_has_no_pager():
    request = RequestFactory().get("/list/")
    page = Paginator([1, 2], 10).get_page(1)
    html = Template('{% include "core/_pager.html" %}').render(
        Context({"request": request, "page": page})
    )
    assert "pager" not in html
