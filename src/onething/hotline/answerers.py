"""Answering a question from the knowledge base, behind one narrow interface.

- ``RetrievalAnswerer`` (the default) answers with the best entry's own words.
- ``OpenAICompatibleAnswerer`` (off unless ``ONETHING_LLM_URL`` and ``ONETHING_LLM_MODEL`` are
  set; ``ONETHING_LLM_KEY`` is the bearer key) posts the question and the retrieved entries to an
  OpenAI-compatible ``/v1/chat/completions`` and asks for an answer that cites them by number,
  ``[1]``. An answer that cites no retrieved entry (or cites one it was not given), an error or a
  timeout falls back to retrieval: the platform never shows an answer it cannot trace to the
  published catalog or to staff-written entries. Personal numbers in the question are masked
  before it leaves the platform.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onething.core.masking import mask_text

from .models import KnowledgeEntry
from .search import kb_search

log = logging.getLogger(__name__)
_CITATION = re.compile(r"[\[【](\d{1,2})[\]】]")

SYSTEM_PROMPT = (
    "你是12345政务服务便民热线的政务问答助手。只能依据用户消息中编号的知识库条目回答，"
    "不得编造条目中没有的内容。回答要简明、口语化。每句用到条目内容的话后面，"
    "用方括号注明条目编号，例如[1]。如果条目不能回答问题，请直接说明，并建议拨打12345。"
)


@dataclass
class Answer:
    question: str
    text: str  # empty when nothing was found
    citations: list[KnowledgeEntry]
    related: list[KnowledgeEntry] = field(default_factory=list)
    source: str = "retrieval"  # or "llm"
    note: str = ""  # why a model's answer was not used

    @property
    def found(self) -> bool:
        return bool(self.text)


class Answerer(ABC):
    name: str = ""

    @abstractmethod
    def answer(self, question: str, entries: list[KnowledgeEntry]) -> Answer:
        """Answer ``question`` from ``entries`` (best first, possibly none)."""


class RetrievalAnswerer(Answerer):
    name = "retrieval"

    def answer(self, question: str, entries: list[KnowledgeEntry]) -> Answer:
        if not entries:
            return Answer(question=question, text="", citations=[])
        best, *others = entries
        return Answer(question=question, text=best.answer, citations=[best], related=others)


class OpenAICompatibleAnswerer(Answerer):
    name = "llm"

    def __init__(self, *, url: str, model: str, key: str = "", timeout: float = 20.0) -> None:
        self.endpoint = self._endpoint(url)
        self.model = model
        self.key = key
        self.timeout = timeout
        self.fallback = RetrievalAnswerer()

    @staticmethod
    def _endpoint(url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("ONETHING_LLM_URL must be an http:// or https:// URL")
        base = url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        if base.endswith("/v1"):
            return f"{base}/chat/completions"
        return f"{base}/v1/chat/completions"

    def messages(self, question: str, entries: list[KnowledgeEntry]) -> list[dict[str, str]]:
        listed = "\n\n".join(
            f"[{n}] 问：{e.question}\n答：{e.answer}" for n, e in enumerate(entries, 1)
        )
        user = f"知识库条目：\n{listed}\n\n群众的问题：{mask_text(question)}"
        return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]

    def complete(self, question: str, entries: list[KnowledgeEntry]) -> str:
        body = json.dumps(
            {
                "model": self.model,
                "messages": self.messages(question, entries),
                "temperature": 0,
            },
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
        # the endpoint is from settings and _endpoint allows only http(s)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
            reply = json.loads(response.read().decode("utf-8"))
        return str(reply["choices"][0]["message"]["content"]).strip()

    @staticmethod
    def cited(text: str, entries: list[KnowledgeEntry]) -> list[KnowledgeEntry] | None:
        """The entries ``text`` cites, in order; None when it cites one it was not given."""
        numbers = [int(n) for n in _CITATION.findall(text)]
        if any(not 1 <= n <= len(entries) for n in numbers):
            return None
        return [entries[n - 1] for n in dict.fromkeys(numbers)]

    def _fall_back(self, question: str, entries: list[KnowledgeEntry], note: str) -> Answer:
        answer = self.fallback.answer(question, entries)
        answer.note = note
        return answer

    def answer(self, question: str, entries: list[KnowledgeEntry]) -> Answer:
        if not entries:
            return self.fallback.answer(question, entries)
        try:
            text = self.complete(question, entries)
        except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("LLM answerer unavailable, using retrieval: %s", exc)
            return self._fall_back(question, entries, "大模型服务暂不可用，以下为知识库原文。")
        cited = self.cited(text, entries)
        if not cited:
            log.info("LLM answer rejected: it cites no retrieved entry")
            return self._fall_back(
                question, entries, "大模型的回答没有引用知识库条目，未予采用；以下为知识库原文。"
            )
        return Answer(
            question=question,
            text=text,
            citations=cited,
            related=[e for e in entries if e not in cited],
            source=self.name,
        )


def configured_answerer() -> Answerer:
    url = getattr(settings, "ONETHING_LLM_URL", "") or ""
    model = getattr(settings, "ONETHING_LLM_MODEL", "") or ""
    if url and model:
        return OpenAICompatibleAnswerer(
            url=url,
            model=model,
            key=getattr(settings, "ONETHING_LLM_KEY", "") or "",
            timeout=float(getattr(settings, "ONETHING_LLM_TIMEOUT", 20) or 20),
        )
    return RetrievalAnswerer()


def answer_question(question: str, *, limit: int = 5, answerer: Answerer | None = None) -> Answer:
    """Retrieve the best entries for ``question`` and answer from them."""
    question = question.strip()
    entries = kb_search(question, limit) if question else []
    return (answerer or configured_answerer()).answer(question, entries)
