"""The wallet (卡包) and the public verification page in the browser: 张三's 出生医学证明, issued
when 卫健委 approved the task, is in his wallet with a PDF, and anyone with its number (or its
QR code) sees 有效 — or 已撤销 once the department revokes it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in
from onething.tests_browser.test_staff_cases import sign_out

pytestmark = pytest.mark.browser
NEWBORN = "JS-2022-07"


def _birth_certificate():
    from onething.accounts.models import User
    from onething.cases.services import application_accept, application_submit, task_decide
    from onething.cases.tests.factories import submission
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current
    from onething.certificates.services import certificates_issue_for_task

    guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())
    coord = User.objects.get(username="coord")
    application = application_submit(
        actor=User.objects.get(username="zhangsan"), submission=submission(guide, NEWBORN)
    )
    application_accept(application=application, actor=coord)
    task = application.tasks.get(item_name="出生医学证明首次签发")
    task = task_decide(task=task, actor=coord, decision="approve", opinion="")
    return certificates_issue_for_task(task=task, actor=coord)[0]


def test_wallet_pdf_and_public_verification(page, demo_platform, screenshot, accessible):
    from onething.accounts.models import User
    from onething.certificates.services import certificate_revoke

    certificate = _birth_certificate()
    number = certificate.number

    # the holder opens the wallet
    sign_in(page, "zhangsan")
    page.goto("/me/wallet/")
    expect(page.get_by_role("heading", name="我的卡包")).to_be_visible()
    card = page.locator(".wallet-card").filter(has_text=number)
    expect(card.get_by_role("heading", name="出生医学证明")).to_be_visible()
    expect(card.get_by_role("img", name=f"核验二维码：{number}")).to_be_visible()
    screenshot("50-wallet")
    accessible(page)
    card.get_by_text("证照内容").click()
    expect(card.get_by_text("新生儿姓名", exact=True)).to_be_visible()
    screenshot("51-wallet-certificate-content")

    # and downloads the PDF
    link = card.get_by_role("link", name="下载 PDF")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    sign_out(page)

    # anyone with the QR code's address sees 有效, with no personal numbers
    page.goto(f"/certificates/verify/{number}/")
    expect(page.get_by_role("heading", name="有效", exact=True)).to_be_visible()
    expect(page.get_by_text("句容市卫生健康委员会").first).to_be_visible()
    expect(page.get_by_text("张*")).to_be_visible()
    holder = certificate.holder_person
    content = page.content()
    assert holder.id_number not in content and holder.masked_id_number not in content
    screenshot("52-verify-valid")
    accessible(page)

    # or types the number into the form
    page.goto("/certificates/verify/")
    page.get_by_role("textbox", name="证照编号").fill(number)
    page.get_by_role("button", name="核验").click()
    page.wait_for_url(f"**/certificates/verify/{number}/")
    expect(page.get_by_role("heading", name="有效", exact=True)).to_be_visible()
    screenshot("53-verify-form")

    # once the department revokes it, the page says so
    certificate_revoke(
        certificate=certificate, actor=User.objects.get(username="coord"), reason="信息有误"
    )
    page.goto(f"/certificates/verify/{number}/")
    expect(page.get_by_role("heading", name="已撤销", exact=True)).to_be_visible()
    screenshot("54-verify-revoked")
    accessible(page)
