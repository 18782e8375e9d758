"""好差评 in a real browser: the applicant rates a decided 新生儿出生 不满意 with a reason, the
lead department (句容市卫健委) replies, the region's supervisor sees it and makes the return
visit, and the applicant rates again (screenshots 70–75)."""

import pytest
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in
from onething.tests_browser.test_staff_cases import sign_out, submitted_newborn

pytestmark = pytest.mark.browser


def decided_newborn():
    from onething.accounts.models import User
    from onething.cases.services import application_accept
    from onething.ratings.tests.conftest import decide_all

    application = submitted_newborn()
    application_accept(application=application, actor=User.objects.get(username="coord"))
    return decide_all(application)


def test_rate_rectify_and_rate_again(page, demo_platform, screenshot, accessible):
    from onething.ratings.models import Rating, Rectification

    application = decided_newborn()
    number = application.number
    assert application.status in {"decided", "delivered"}  # electronic delivery is immediate

    # the applicant rates the whole application 不满意, with a reason
    sign_in(page, "zhangsan")
    page.goto(f"/me/applications/{number}/rate/")
    block = page.locator("#rate-application")
    expect(page.get_by_role("heading", name="评价这次办事")).to_be_visible()
    expect(block.get_by_role("radio", name="非常满意")).to_be_visible()
    screenshot("70-rate-application")
    accessible(page)

    block.get_by_role("radio", name="不满意", exact=True).check()
    block.get_by_label("多次跑动").check()
    block.get_by_label("意见和建议（选填，500字以内）").fill("出生医学证明来回跑了两次")
    block.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已转交句容市卫生健康委员会整改")).to_be_visible()
    expect(block.get_by_text("待整改答复")).to_be_visible()
    screenshot("71-rated-rectification-opened")
    rating = Rating.objects.get(application__number=number, target="application")
    assert rating.level == 2 and rating.tags == ["多次跑动"]
    sign_out(page)

    # the lead department's staff reply
    sign_in(page, "coord")
    page.goto("/staff/rectifications/")
    row = page.locator("tr", has_text=number)
    expect(row.get_by_text("不满意")).to_be_visible()
    accessible(page)
    row.get_by_role("link", name="新生儿出生").click()
    page.wait_for_url("**/staff/rectifications/*/")
    expect(page.get_by_text("出生医学证明来回跑了两次")).to_be_visible()
    accessible(page)
    page.get_by_label("整改情况或解释说明（会告知申请人）").fill(
        "已在办事指南中写明出生医学证明的领取方式，今后由医院直接推送，不需要再跑。"
    )
    screenshot("72-staff-reply")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已答复。申请人会收到通知")).to_be_visible()
    sign_out(page)

    # the supervisor sees it waiting for the return visit, and records it
    sign_in(page, "supervisor")
    page.goto("/staff/rectifications/?status=replied")
    row = page.locator("tr", has_text=number)
    expect(row.get_by_text("已答复，待回访")).to_be_visible()
    row.get_by_role("link", name="新生儿出生").click()
    page.wait_for_url("**/staff/rectifications/*/")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("回访情况").fill("电话回访，申请人表示理解")
    screenshot("73-supervisor-return-visit")
    page.get_by_role("button", name="记录回访并办结").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("回访已记录，整改办结")).to_be_visible()
    assert Rectification.objects.get(rating=rating).status == "closed"
    sign_out(page)

    # the applicant rates again
    sign_in(page, "zhangsan")
    page.goto(f"/me/applications/{number}/rate/")
    block = page.locator("#rate-application")
    expect(block.get_by_text("整改之后，您现在满意吗？")).to_be_visible()
    expect(block.get_by_text("今后由医院直接推送")).to_be_visible()
    block.get_by_role("radio", name="满意", exact=True).check()
    block.get_by_label("进度告知及时").check()
    screenshot("74-rate-again")
    accessible(page)
    block.get_by_role("button", name="提交重新评价").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("感谢您的评价！")).to_be_visible()
    expect(block.get_by_text("整改后重新评价")).to_be_visible()
    screenshot("75-rated-again")
    again = Rating.objects.get(supersedes=rating)
    assert again.level == 4 and again.tags == ["进度告知及时"]

    # the public figures count the re-rating, not the first one, and name nobody
    page.goto("/ratings/")
    row = page.locator("tr", has_text="句容市卫生健康委员会")
    expect(row.get_by_text("100.0%").first).to_be_visible()
    assert "张三" not in page.locator("main").inner_text()
    accessible(page)
