"""新生儿出生 from the guide to the last department decision, in the browser: an applicant from
another city (南京市江宁区) applies in 句容市, the window issues one correction, the applicant
corrects once, the window accepts, and every task — routed to the applicant's home region —
is decided until the case is finished."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onething.tests_browser.test_apply import fill_form
from onething.tests_browser.test_portal import sign_in
from onething.tests_browser.test_staff_cases import sign_out

pytestmark = pytest.mark.browser
NEWBORN = "JS-2022-07"


def apply_in_browser(page, username, code, guide) -> str:
    from onething.cases.models import Application
    from onething.cases.tests.factories import PDF, PNG, valid_form

    sign_in(page, username)
    page.goto(f"/one-things/{code}/")
    page.get_by_role("link", name="在线申请").click()
    page.wait_for_url(f"**/apply/{code}/**")
    fill_form(page, guide, valid_form(guide))
    for i, material in enumerate(guide.materials_to_submit):
        picture = "照片" in material.name
        page.locator(f'[name="upload-{i}"]').set_input_files(
            {
                "name": f"m{i}.png" if picture else f"m{i}.pdf",
                "mimeType": "image/png" if picture else "application/pdf",
                "buffer": PNG if picture else PDF,
            }
        )
    page.get_by_label("电子证照推送").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/me/applications/YJS*/")
    return Application.objects.latest("pk").number or ""


def decide_everything(page) -> None:
    """The platform administrator (who sees every department's inbox) approves every task as
    it is released, in precedence order."""
    sign_in(page, "admin")
    for _ in range(20):
        page.goto("/staff/tasks/")
        link = page.locator("table a[href*='/staff/tasks/']").first
        if link.count() == 0:
            break
        link.click()
        page.get_by_role("heading", name="作出决定").wait_for()
        page.get_by_label("准予").check()
        page.get_by_role("button", name="提交决定").click()
        page.wait_for_load_state("networkidle")
    sign_out(page)


def test_newborn_journey_across_regions(page, demo_platform, screenshot):
    from onething.audit.chain import verify_application
    from onething.cases.models import Application
    from onething.cases.tests.factories import PNG
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current

    guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())

    # the applicant reads the guide and applies once
    number = apply_in_browser(page, "lisi", NEWBORN, guide)
    sign_out(page)

    # the window asks for one thing, once
    sign_in(page, "clerk")
    page.goto(f"/staff/cases/{number}/")
    page.get_by_text("一次性告知补正", exact=True).click()
    page.locator('select[name="what"]').nth(0).select_option("material:近期免冠证件照片")
    page.locator('input[name="reason"]').nth(0).fill("照片背景应为白色")
    page.get_by_role("button", name="发出补正告知").click()
    page.wait_for_load_state("networkidle")
    sign_out(page)

    # the applicant corrects once
    sign_in(page, "lisi")
    page.goto(f"/me/applications/{number}/")
    expect(page.get_by_text("照片背景应为白色").first).to_be_visible()
    page.get_by_label("近期免冠证件照片").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_load_state("networkidle")
    sign_out(page)

    # the window accepts; every task goes to the applicant's home region
    sign_in(page, "clerk")
    page.goto(f"/staff/cases/{number}/")
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("跨区域").first).to_be_visible()
    screenshot("40-journey-accepted-cross-region")
    sign_out(page)
    application = Application.objects.get(number=number)
    assert {t.department.region.code for t in application.tasks.all()} == {"320115"}

    # the departments decide, in precedence order, until nothing is left
    decide_everything(page)
    application.refresh_from_db()
    assert application.status == "delivered"  # everything pushed to the wallet
    assert set(application.tasks.values_list("status", flat=True)) == {"approved"}
    assert verify_application(application) == []

    sign_in(page, "lisi")
    page.goto(f"/me/applications/{number}/")
    expect(page.get_by_text("全部事项已办结").first).to_be_visible()
    screenshot("41-journey-decided-applicant")


def test_restaurant_journey_for_an_enterprise(page, demo_platform, screenshot):
    from onething.accounts.models import StaffRole
    from onething.accounts.services import staff_create
    from onething.cases.models import Application
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current
    from onething.conftest import department

    staff_create(
        username="shenpi",
        password="onething-demo",
        name="审批局协调人",
        roles=[(department("321183", "approval"), StaffRole.COORDINATOR)],
    )
    guide = compute_guide(version_current("JS-2022-02").snapshot, start=timezone.localdate())
    page.goto("/one-things/JS-2022-02/")
    expect(page.get_by_text("告知承诺").first).to_be_visible()
    number = apply_in_browser(page, "wangwu", "JS-2022-02", guide)
    assert Application.objects.get(number=number).enterprise.name == "句容市味之源餐饮有限公司"
    sign_out(page)

    sign_in(page, "shenpi")
    page.goto(f"/staff/cases/{number}/")
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_load_state("networkidle")
    screenshot("42-restaurant-accepted")
    sign_out(page)

    decide_everything(page)
    application = Application.objects.get(number=number)
    assert application.status == "delivered"  # everything pushed to the wallet
    assert set(application.tasks.values_list("status", flat=True)) == {"approved"}
