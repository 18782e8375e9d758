"""Catalog search: Chinese words (jieba), full pinyin, pinyin initials and everyday synonyms.

"生孩子", "xinsheng", "xsr" and "新生儿" all find 新生儿出生. The index is built in memory from the
published one-things and rebuilt when the catalog changes.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import jieba
from django.db.models import Max
from pypinyin import Style, lazy_pinyin

from .models import OneThing
from .selectors import one_things_published

jieba.setLogLevel(logging.WARNING)
_STOP = set("的了和与及在是我要办怎么如何什么哪些一个")
_ASCII = re.compile(r"^[a-z0-9 ]+$")


@dataclass
class Document:
    code: str
    name: str
    phrases: list[str]  # name, keywords, item names: matched as whole substrings
    words: set[str] = field(default_factory=set)  # jieba words of all text
    pinyin: str = ""  # full pinyin of name and keywords, no spaces
    initials: list[str] = field(default_factory=list)  # initials of name and each keyword


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()


def _initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def _words(text: str) -> set[str]:
    return {w for w in jieba.cut_for_search(text) if w.strip() and w not in _STOP}


def build_document(one_thing: OneThing) -> Document:
    names = [one_thing.name, *one_thing.keywords]
    items = [entry.item.name for entry in one_thing.entries.all()]
    text = " ".join([*names, one_thing.summary, *items])
    return Document(
        code=one_thing.code,
        name=one_thing.name,
        phrases=[*names, *items],
        words=_words(text),
        pinyin=" ".join(_pinyin(n) for n in names),
        initials=[_initials(n) for n in names],
    )


def _loose_initials(query: str, pinyin: str) -> bool:
    """Initials typed by ear: "xsr" for xin-sheng-er. The first letter must start the name; the
    others may fall anywhere after it, in order."""
    if not pinyin.startswith(query[0]):
        return False
    position = 1
    for char in query[1:]:
        position = pinyin.find(char, position) + 1
        if position == 0:
            return False
    return True


def score(document: Document, query: str) -> float:
    q = query.strip().lower()
    if not q:
        return 0.0
    if _ASCII.match(q):
        compact = q.replace(" ", "")
        if any(i.startswith(compact) for i in document.initials):
            return 8.0
        if compact in document.pinyin.replace(" ", ""):
            return 6.0
        if any(compact in i for i in document.initials):
            return 3.0
        return 2.0 if any(_loose_initials(compact, p) for p in document.pinyin.split()) else 0.0
    total = 0.0
    if q in document.name:
        total += 10.0
    total += sum(6.0 for phrase in document.phrases if q in phrase or phrase in q)
    query_words = _words(q)
    if query_words:
        hits = query_words & document.words
        total += 4.0 * len(hits) / len(query_words)
    return total


class SearchIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: object = None
        self._documents: list[Document] = []

    def documents(self) -> list[Document]:
        version = OneThing.objects.aggregate(v=Max("updated_at"))["v"], OneThing.objects.count()
        if version != self._version:
            with self._lock:
                self._documents = [build_document(o) for o in one_things_published()]
                self._version = version
        return self._documents

    def search(self, query: str, limit: int = 20) -> list[tuple[str, float]]:
        ranked = [(d.code, score(d, query)) for d in self.documents()]
        ranked = [r for r in ranked if r[1] > 0]
        ranked.sort(key=lambda r: -r[1])
        return ranked[:limit]


index = SearchIndex()


def search_one_things(query: str, limit: int = 20) -> list[OneThing]:
    codes = [code for code, _ in index.search(query, limit)]
    found = {o.code: o for o in one_things_published().filter(code__in=codes)}
    return [found[c] for c in codes if c in found]
