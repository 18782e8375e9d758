"""The public 政务问答台 answers a client only so often: past the limit, a 429 page (or JSON) that
says in Chinese and English how many minutes to wait; other clients are not affected."""

import pytest
from django.urls import reverse

from onething.accounts.throttle import Throttled, throttle_hit
from onething.hotline.models import Ticket
from onething.hotline.throttling import ADDRESS_FACTOR

pytestmark = pytest.mark.django_db

QUESTION = {"q": "孩子出生了要办什么"}


@pytest.fixture
def limits(settings):
    settings.ONETHING_HELP_THROTTLE = {"questions": 2, "messages": 1, "window": 10 * 60}


def ask(client, **extra):
    return client.get(reverse("hotline:help"), QUESTION, **extra)


def test_an_anonymous_address_is_throttled_after_its_share(client, kb, limits):
    # given: an address may ask ADDRESS_FACTOR times the limit (an office shares one)
    for _ in range(2 * ADDRESS_FACTOR):
        assert ask(client).status_code == 200
    # when
    refused = ask(client)
    # then: a 429 that says why and for how long, and no answer
    body = refused.content.decode()
    assert refused.status_code == 429
    assert "请求过于频繁，请10分钟后再试。" in body and 'role="alert"' in body
    assert "第一步：出生医学证明首次签发" not in body
    # another address is still answered, and the page without a question still opens
    assert ask(client, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(reverse("hotline:help")).status_code == 200


def test_the_message_is_in_english_for_english_readers(client, kb, limits):
    client.cookies["django_language"] = "en"
    for _ in range(2 * ADDRESS_FACTOR):
        ask(client)
    body = ask(client).content.decode()
    assert "Too many requests. Please try again in 10 minutes." in body
    assert "Asking too often" in body


def test_a_signed_in_client_is_known_by_its_session(client, kb, limits, user, demo):
    client.force_login(user("zhangsan"))
    assert [ask(client).status_code for _ in range(3)] == [200, 200, 429]
    # someone else at the same address is not held back by zhangsan's questions
    other = client.__class__()
    assert ask(other).status_code == 200


def test_web_messages_are_throttled_too(client, kb, limits, user, demo):
    client.force_login(user("zhangsan"))
    url = reverse("hotline:help_ticket_create")
    message = {"type": "consultation", "content": "出生证明丢了怎么补办？"}
    assert client.post(url, message).status_code == 302
    refused = client.post(url, message)
    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode()
    assert Ticket.objects.count() == 1  # the second was not recorded


def test_the_api_answers_429_with_both_messages(client, kb, limits):
    url = "/api/v1/hotline/answers"
    for _ in range(2 * ADDRESS_FACTOR):
        assert client.get(url, QUESTION).status_code == 200
    refused = client.get(url, QUESTION)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    assert refused.json()["message"] == "请求过于频繁，请10分钟后再试。"
    assert refused.json()["details"] == {"retry_after_minutes": 10}


def test_the_wait_is_rounded_up_to_whole_minutes():
    throttle_hit(scope="test", clients=["a"], limit=1, window=90)
    with pytest.raises(Throttled) as caught:
        throttle_hit(scope="test", clients=["a", ""], limit=1, window=90)
    assert caught.value.message == "请求过于频繁，请2分钟后再试。"
    assert caught.value.message_en == "Too many requests. Please try again in 2 minutes."
    # another client, or the same one in another scope, is counted apart
    throttle_hit(scope="test", clients=["b"], limit=1, window=90)
    throttle_hit(scope="other", clients=["a"], limit=1, window=90)
