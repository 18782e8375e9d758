"""The wallet (卡包), its PDFs, and the public verification page."""

import io
import re

import pytest

from onething.accounts.models import Enterprise, Person
from onething.certificates.models import Certificate
from onething.certificates.services import certificate_revoke, certificates_issue_for_task
from onething.conftest import department

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


@pytest.fixture
def birth_certificate(approved_task, user):
    return certificates_issue_for_task(task=approved_task, actor=user("coord"))[0]


def _text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_wallet_lists_it_only_for_its_holder(client, birth_certificate, user):
    client.force_login(user("zhangsan"))
    page = client.get("/me/wallet/")
    assert page.status_code == 200
    body = page.content.decode()
    assert birth_certificate.number in body and "出生医学证明" in body
    assert "<svg" in body  # the QR code
    assert f"/me/wallet/{birth_certificate.number}.pdf" in body

    client.force_login(user("lisi"))
    page = client.get("/me/wallet/")
    assert birth_certificate.number not in page.content.decode()
    assert "还没有电子证照" in page.content.decode()
    assert client.get(f"/me/wallet/{birth_certificate.number}.pdf").status_code == 404


def test_the_wallet_needs_a_sign_in(client, birth_certificate):
    response = client.get("/me/wallet/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(f"/me/wallet/{birth_certificate.number}.pdf")
    assert response.status_code == 302


def test_an_enterprise_certificate_is_in_its_operators_wallet(client, issue, user):
    enterprise = Enterprise.objects.get()
    certificate = issue(
        "food_business",
        holder_person=None,
        holder_enterprise=enterprise,
        department=department("321183", "approval"),
        actor=user("admin"),
    )
    client.force_login(user("wangwu"))
    assert certificate.number in client.get("/me/wallet/").content.decode()
    client.force_login(user("zhangsan"))
    assert certificate.number not in client.get("/me/wallet/").content.decode()


def test_the_pdf_has_the_content_the_seal_and_the_qr_code(client, birth_certificate, user):
    client.force_login(user("zhangsan"))
    response = client.get(f"/me/wallet/{birth_certificate.number}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    text = _text(data)
    flat = re.sub(r"\s+", "", text)
    assert birth_certificate.number in flat
    assert "出生医学证明" in flat and "句容市卫生健康委员会" in flat
    assert "电子证照专用章" in flat  # the seal's text
    assert f"/certificates/verify/{birth_certificate.number}/" in flat
    assert birth_certificate.digest in flat
    assert not ID_NUMBER.search(text)


def test_the_verify_page_says_valid_without_personal_numbers(client, birth_certificate):
    response = client.get(f"/certificates/verify/{birth_certificate.number}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "有效" in body and "句容市卫生健康委员会" in body
    assert "张*" in body and "张三" not in body
    person = birth_certificate.holder_person
    assert person.id_number not in body and person.masked_id_number not in body
    assert not ID_NUMBER.search(body)
    assert birth_certificate.digest in body


def test_the_verify_form_leads_to_the_result(client, birth_certificate):
    page = client.get("/certificates/verify/")
    assert page.status_code == 200 and 'name="number"' in page.content.decode()
    response = client.get("/certificates/verify/", {"number": f" {birth_certificate.number} "})
    assert response.status_code == 302
    assert response["Location"] == f"/certificates/verify/{birth_certificate.number}/"
    response = client.get("/certificates/verify/", {"number": "zz/../x y"})
    assert response.status_code == 302 and response["Location"] == "/certificates/verify/ZZXY/"


def test_the_verify_page_for_revoked_altered_and_unknown(client, birth_certificate, user):
    certificate_revoke(certificate=birth_certificate, actor=user("coord"), reason="信息有误")
    body = client.get(f"/certificates/verify/{birth_certificate.number}/").content.decode()
    assert "已撤销" in body

    Certificate.objects.filter(pk=birth_certificate.pk).update(data={"holder_name": "李四"})
    body = client.get(f"/certificates/verify/{birth_certificate.number}/").content.decode()
    assert "内容被篡改" in body and "李四" not in body and "李*" not in body

    response = client.get("/certificates/verify/ZZNOSUCH202601010000001/")
    assert response.status_code == 404 and "未找到" in response.content.decode()


def test_the_revoked_certificate_stays_in_the_wallet_marked(client, birth_certificate, user):
    certificate_revoke(certificate=birth_certificate, actor=user("coord"), reason="信息有误")
    client.force_login(user("zhangsan"))
    body = client.get("/me/wallet/").content.decode()
    assert birth_certificate.number in body and "已撤销" in body
    text = _text(client.get(f"/me/wallet/{birth_certificate.number}.pdf").content)
    assert "撤销" in re.sub(r"\s+", "", text)


def test_the_wallet_and_verify_page_in_english(client, birth_certificate, user):
    client.force_login(user("zhangsan"))
    client.cookies["django_language"] = "en"
    assert client.get("/me/wallet/").status_code == 200
    body = client.get(f"/certificates/verify/{birth_certificate.number}/").content.decode()
    assert "Valid: the content matches" in body


def test_the_wallet_does_not_grow_queries(client, issue, user, django_assert_max_num_queries):
    holder = Person.objects.get(user__username="zhangsan")
    for _ in range(3):
        issue(holder=holder)
    client.force_login(user("zhangsan"))
    with django_assert_max_num_queries(8):
        assert client.get("/me/wallet/").status_code == 200
