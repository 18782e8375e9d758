"""新生儿出生 end to end in the browser, with shared data and e-certificates: the one form comes
prefilled from the population register and the hospital's birth record (registered values
locked, each with its source), the data tracker lists every read under the application, an
objection to a registered value is corrected by 句容市公安局 and flows back into the
application, every task is decided, the results arrive in the wallet as verifiable
e-certificates, and the next application does not ask for them again (两个免于提交)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onething.tests_browser.test_journey import decide_everything
from onething.tests_browser.test_portal import sign_in
from onething.tests_browser.test_staff_cases import sign_out

pytestmark = pytest.mark.browser
NEWBORN = "JS-2022-07"
FIRST = [
    "出生医学证明首次签发",
    "婚姻登记信息核验",
    "出生登记",
    "城乡居民参保登记",
    "城乡居民基本医疗保险费缴纳",
]
SECOND = ["预防接种证办理", "社会保障卡申领"]


def query(names: list[str]) -> str:
    from onething.catalog.selectors import version_current

    items = version_current(NEWBORN).snapshot["items"]
    codes = [next(i["code"] for i in items if i["name"] == name) for name in names]
    return "custom=1&" + "&".join(f"item={c}" for c in codes)


def fill_the_rest(page, guide) -> None:
    """Type what no registry keeps; leave what the registries filled in as it is."""
    from onething.cases.tests.factories import PDF, PNG, valid_form

    values = valid_form(guide)
    for spec in guide.form:
        target = page.locator(f"#f-{spec.element}")
        if target.input_value():
            continue
        if spec.type == "enum" and spec.choices:
            target.select_option(values[spec.element])
        else:
            target.fill(values[spec.element])
    for i, material in enumerate(guide.materials_to_submit):
        picture = "照片" in material.name
        page.locator(f'[name="upload-{i}"]').set_input_files(
            {
                "name": f"m{i}.png" if picture else f"m{i}.pdf",
                "mimeType": "image/png" if picture else "application/pdf",
                "buffer": PNG if picture else PDF,
            }
        )


def test_newborn_end_to_end_in_the_browser(page, demo_platform, screenshot, accessible):
    from onething.accounts.models import User
    from onething.cases.models import Application
    from onething.cases.services import application_accept
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current
    from onething.certificates.models import Certificate
    from onething.datahub.demo import load_datahub_demo
    from onething.datahub.models import DataAccess

    load_datahub_demo()
    snapshot = version_current(NEWBORN).snapshot

    # 1. the one form, prefilled: the register's values locked, each with its source
    sign_in(page, "zhangsan")
    page.goto(f"/apply/{NEWBORN}/?{query(FIRST)}")
    mother = page.locator('[name="f.mother_name"]')
    assert mother.input_value() == "刘芳" and mother.get_attribute("readonly") is not None
    expect(page.get_by_text("来自人口库（句容市公安局）").first).to_be_visible()
    expect(page.get_by_text("来自出生医学证明信息（句容市卫生健康委员会）").first).to_be_visible()
    assert page.locator('[name="f.child_birth_weight"]').input_value() == "3350"
    screenshot("90-newborn-prefilled-form")
    accessible(page)
    chosen = [i["code"] for i in snapshot["items"] if i["name"] in FIRST]
    guide = compute_guide(snapshot, chosen=chosen, start=timezone.localdate())
    fill_the_rest(page, guide)
    page.get_by_label("电子证照推送").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/me/applications/YJS*/")
    application = Application.objects.latest("pk")
    number = application.number

    # 2. where each value came from, on the application page
    provenance = page.locator("#provenance")
    mother_row = provenance.locator("#source-mother_name")
    assert "来自人口库（句容市公安局）" in mother_row.inner_text()
    # the own phone number, shown masked on the form and filled in from the real-name record
    assert "取自实名认证信息" in provenance.locator("#source-applicant_phone").inner_text()
    assert "申请人填写" in provenance.inner_text()  # what the applicant typed
    screenshot("91-newborn-provenance")

    # 3. the tracker: every read of my data for this form, under this application
    page.goto("/me/data-access/")
    rows = page.locator("table.access-log tbody tr")
    reads = DataAccess.objects.filter(application=application)
    assert reads.count() >= 3 and not DataAccess.objects.filter(application__isnull=True).exists()
    mine = reads.filter(subject_hash=application.person.id_number_hash)  # the mother's: hers
    assert rows.count() == mine.count() >= 3
    for i in range(rows.count()):
        assert f"办件 {number}" in rows.nth(i).inner_text()
    screenshot("92-newborn-data-tracker")

    # 4. an objection to the mother's registered name
    page.goto(f"/me/applications/{number}/")
    mother_row = page.locator("#source-mother_name")
    mother_row.get_by_text("数据有误？提出异议").click()
    mother_row.get_by_label("“母亲姓名”应为").fill("刘芳菲")
    mother_row.get_by_label("异议理由").fill("母亲已于2025年依法变更姓名，户口簿已更新。")
    screenshot("93-newborn-objection-form")
    mother_row.get_by_role("button", name="提交数据异议").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已提交对“母亲姓名”的数据异议")).to_be_visible()
    sign_out(page)

    # 5. 句容市公安局 corrects it
    sign_in(page, "approver")
    page.goto("/staff/data/objections/")
    card = page.locator("article.objection-card").filter(has_text="刘芳菲").first
    card.get_by_label("核实有误，更正数据").check()
    card.get_by_label("给申请人的答复").fill("已核实，人口库已更正。")
    screenshot("94-newborn-objection-staff")
    card.get_by_role("button", name="提交处理结果").click()
    page.wait_for_load_state("networkidle")
    sign_out(page)

    # 6. the lead department accepts, every task is decided in the departments' inboxes
    application_accept(application=application, actor=User.objects.get(username="coord"))
    decide_everything(page)
    application.refresh_from_db()
    assert set(application.tasks.values_list("status", flat=True)) == {"approved"}
    assert application.status == "delivered"

    # 7. the corrected value flowed back; every result is in the wallet and verifies
    sign_in(page, "zhangsan")
    page.goto(f"/me/applications/{number}/")
    mother_row = page.locator("#source-mother_name")
    assert "刘芳菲" in mother_row.inner_text() and "已更正" in mother_row.inner_text()
    screenshot("95-newborn-corrected")
    page.goto("/me/wallet/")
    issued = Certificate.objects.filter(application=application)
    names = set(issued.values_list("type__name", flat=True))
    assert {"出生医学证明", "居民户口簿", "医保参保凭证"} <= names
    for certificate in issued:
        expect(page.get_by_text(certificate.number).first).to_be_visible()
    screenshot("96-newborn-wallet")
    birth = issued.get(type__name="出生医学证明")
    assert ["母亲姓名", "刘芳菲"] in birth.data["items"]
    page.goto(f"/certificates/verify/{birth.number}/")
    expect(page.get_by_text("有效").first).to_be_visible()
    screenshot("97-newborn-verified")

    # 8. the next application does not ask for what the wallet holds
    page.goto(f"/apply/{NEWBORN}/?{query(SECOND)}")
    exempt = page.get_by_text("卡包")
    expect(exempt.first).to_be_visible()
    assert not page.locator("input[type=file]").filter(has_text="出生医学证明").count()
    assert "上传" not in page.locator("body").inner_text().split("出生医学证明")[0][-20:]
    screenshot("98-newborn-second-application")
    accessible(page)


def test_window_pickup_in_the_browser(page, demo_platform, screenshot, accessible):
    """All results of a finished application handed over at the window: the pickup code from
    the SMS and the applicant's ID card are checked first."""
    from onething.accounts.demo import demo_id_number
    from onething.accounts.models import User
    from onething.cases.services import application_accept, application_submit, task_decide
    from onething.cases.tests.factories import submission
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current
    from onething.notify.models import Message

    users = {
        u.username: u for u in User.objects.filter(username__in=["zhangsan", "coord", "admin"])
    }
    guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())
    application = application_submit(
        actor=users["zhangsan"], submission=submission(guide, NEWBORN, delivery="window")
    )
    application_accept(application=application, actor=users["coord"])
    for _ in range(10):
        released = list(application.tasks.filter(status__in=["released", "claimed"]))
        for task in released:
            task_decide(task=task, actor=users["admin"], decision="approve", opinion="")
    body = Message.objects.filter(kind="application.delivery", channel="inapp").get().body
    code = body.split("取件码 ")[1][:6]

    sign_in(page, "clerk")
    page.goto("/staff/pickup/")
    page.get_by_label("办件编号").fill(application.number)
    page.get_by_role("button", name="查找").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("待领取").first).to_be_visible()
    expect(page.get_by_text(application.person.masked_id_number)).to_be_visible()
    page.get_by_label("取件码").fill("000000")
    page.get_by_label("领取人的公民身份号码").fill(demo_id_number("321183", "19900315", 123))
    page.get_by_role("button", name="核验并交付").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("alert").get_by_text("取件码不正确")).to_be_visible()
    screenshot("99-pickup-wrong-code")
    accessible(page)
    page.get_by_label("取件码").fill(code)
    page.get_by_label("领取人的公民身份号码").fill(demo_id_number("321183", "19900315", 123))
    page.get_by_role("button", name="核验并交付").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("全部结果已当面交付")).to_be_visible()
    expect(page.get_by_text("全部结果已交付。")).to_be_visible()
    screenshot("99-pickup-handed-over")
    application.refresh_from_db()
    assert application.status == "delivered"
