"""Searching the knowledge base the way the catalog is searched (``catalog.search``): jieba
words, full pinyin, pinyin initials and everyday phrases.

An entry is scored on its subject (question, one-thing or item names, everyday phrases) with the
catalog's ``score``; the words of intent in its keywords (材料、多久、收费 …) add to that score
only when the subject matched, so "孩子出生了要办什么" finds 新生儿出生's overview (its first
step) and "多少钱" alone finds nothing in particular. The index lives in memory and is rebuilt
when an entry changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max

from onething.catalog.search import Document, _initials, _pinyin, _words, score

from .knowledge import INTENT_WORDS
from .models import KnowledgeEntry

INTENT_WEIGHT = 6.0


@dataclass
class Indexed:
    entry_id: int
    subject: Document
    intents: list[str]


def build_document(entry: KnowledgeEntry) -> Indexed:
    keywords = [str(k).strip() for k in entry.keywords or [] if str(k).strip()]
    subject = [k for k in keywords if k not in INTENT_WORDS]
    return Indexed(
        entry_id=entry.pk,
        subject=Document(
            code=str(entry.pk),
            name=entry.question,
            phrases=[k for k in subject if len(k) >= 2],
            # the subject's words only: the question's own (材料、多久 …) are intents
            words=_words(" ".join(subject) if subject else entry.question),
            pinyin=" ".join(_pinyin(k) for k in subject),
            initials=[_initials(k) for k in subject],
        ),
        intents=[k for k in keywords if k in INTENT_WORDS],
    )


def entry_score(indexed: Indexed, query: str) -> float:
    found = score(indexed.subject, query)
    if found <= 0:
        return 0.0
    q = query.strip().lower()
    return found + INTENT_WEIGHT * sum(1 for word in indexed.intents if word in q)


class KnowledgeIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: object = None
        self._documents: list[Indexed] = []

    def documents(self) -> list[Indexed]:
        active = KnowledgeEntry.objects.filter(active=True)
        state = active.aggregate(at=Max("updated_at"), n=Count("id"), last=Max("id"))
        version = (state["at"], state["n"], state["last"])
        if version != self._version:
            with self._lock:
                self._documents = [build_document(e) for e in active.order_by("pk")]
                self._version = version
        return self._documents

    def search(self, query: str, limit: int = 5) -> list[tuple[int, float]]:
        if not query.strip():
            return []
        ranked = [(d.entry_id, entry_score(d, query)) for d in self.documents()]
        ranked = [r for r in ranked if r[1] > 0]
        ranked.sort(key=lambda r: -r[1])  # stable: generated order breaks ties
        return ranked[:limit]


index = KnowledgeIndex()


def kb_search(query: str, limit: int = 5) -> list[KnowledgeEntry]:
    """The best active entries for ``query``, best first."""
    ids = [entry_id for entry_id, _ in index.search(query, limit)]
    found = KnowledgeEntry.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]
