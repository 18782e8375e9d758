"""The optional large-language-model answerer against a tiny OpenAI-compatible server on
127.0.0.1: an answer that cites the retrieved entries is used; one that cites none (or cites an
entry it was not given), or a server that fails, falls back to retrieval."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from onething.hotline.answerers import (
    OpenAICompatibleAnswerer,
    RetrievalAnswerer,
    answer_question,
    configured_answerer,
)

pytestmark = pytest.mark.django_db


class FakeModel:
    """What the fake server answers, and what it was asked."""

    def __init__(self) -> None:
        self.reply = ""
        self.status = 200
        self.requests: list[dict] = []
        self.url = ""


@pytest.fixture
def fake_llm():
    model = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            model.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            body = json.dumps(
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": model.reply},
                            "finish_reason": "stop",
                        }
                    ],
                },
                ensure_ascii=False,
            ).encode()
            self.send_response(model.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    model.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield model
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


@pytest.fixture
def llm_settings(settings, fake_llm):
    settings.ONETHING_LLM_URL = fake_llm.url
    settings.ONETHING_LLM_MODEL = "qwen-test"
    settings.ONETHING_LLM_KEY = "sk-test"
    return settings


def test_retrieval_is_the_default(kb, settings):
    settings.ONETHING_LLM_URL = ""
    assert isinstance(configured_answerer(), RetrievalAnswerer)
    answer = answer_question("孩子出生了要办什么")
    assert answer.source == "retrieval"
    assert answer.citations[0].key == "JS-2022-07:overview"
    assert answer.text == answer.citations[0].answer
    assert "第一步：出生医学证明首次签发" in answer.text


def test_an_answer_that_cites_the_retrieved_entries_is_used(kb, fake_llm, llm_settings):
    fake_llm.reply = (
        "宝宝出生后，先办出生医学证明首次签发[1]，再办出生登记等事项，一次申请即可[1]。"
    )

    answer = answer_question("孩子出生了要办什么？我的电话13812345678")

    assert isinstance(configured_answerer(), OpenAICompatibleAnswerer)
    assert answer.source == "llm"
    assert answer.text == fake_llm.reply
    assert [e.key for e in answer.citations] == ["JS-2022-07:overview"]
    assert answer.related and answer.citations[0] not in answer.related
    # what the server was sent: the retrieved entries, numbered, and a masked question
    sent = fake_llm.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["authorization"] == "Bearer sk-test"
    assert sent["body"]["model"] == "qwen-test"
    user_message = sent["body"]["messages"][-1]["content"]
    assert "[1] 问：新生儿出生要办哪些事？" in user_message
    assert "13812345678" not in user_message and "138****5678" in user_message


def test_an_answer_that_cites_nothing_falls_back_to_retrieval(kb, fake_llm, llm_settings):
    fake_llm.reply = "生孩子以后去医院和派出所办手续就行，大概一周。"

    answer = answer_question("孩子出生了要办什么")

    assert len(fake_llm.requests) == 1
    assert answer.source == "retrieval"
    assert answer.text == answer.citations[0].answer
    assert answer.citations[0].key == "JS-2022-07:overview"
    assert "没有引用" in answer.note


def test_an_answer_citing_an_entry_it_was_not_given_is_rejected(kb, fake_llm, llm_settings):
    fake_llm.reply = "请带上户口本[9]。"
    answer = answer_question("孩子出生了要办什么")
    assert answer.source == "retrieval"


def test_a_failing_server_falls_back_to_retrieval(kb, fake_llm, llm_settings):
    fake_llm.status = 500
    answer = answer_question("孩子出生了要办什么")
    assert answer.source == "retrieval" and answer.found
    assert "暂不可用" in answer.note


def test_nothing_retrieved_means_no_call(kb, fake_llm, llm_settings):
    answer = answer_question("今天天气怎么样")
    assert not answer.found and fake_llm.requests == []


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ["http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions"],
        ["http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1/chat/completions"],
        [
            "https://llm.example.cn/v1/chat/completions",
            "https://llm.example.cn/v1/chat/completions",
        ],
    ],
)
def test_the_endpoint_is_the_chat_completions_path(url, endpoint):
    assert OpenAICompatibleAnswerer(url=url, model="m").endpoint == endpoint


def test_only_http_urls_are_accepted():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        OpenAICompatibleAnswerer(url="file:///etc/passwd", model="m")
