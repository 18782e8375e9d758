"""The applicant's pages with Django's test client: apply, my applications, correction, withdraw."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onething.accounts.demo import ELDERLY, demo_id_number
from onething.accounts.models import Person
from onething.cases.models import Application, Channel, Correction
from onething.cases.services import application_accept, correction_issue, task_decide
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import PDF, PNG, valid_form
from onething.cases.workflow import AppState

APPLY = f"/apply/{NEWBORN}/"
ZHANGSAN_ID = demo_id_number("321183", "19900315", 123)
LISI_ID = demo_id_number("320115", "19920708", 246)
GRANNY_ID = demo_id_number(ELDERLY[1], ELDERLY[2], ELDERLY[3])


def files(guide, data: bytes = PDF, name: str = "scan.pdf") -> dict[str, Any]:
    return {
        f"upload-{i}": SimpleUploadedFile(name, data, content_type="application/pdf")
        for i, m in enumerate(guide.materials_to_submit)
        if m.required
    }


def payload(guide, key: str = "key-1", form: dict[str, str] | None = None, **extra) -> dict:
    values = valid_form(guide) if form is None else form
    body: dict[str, Any] = {f"f.{k}": v for k, v in values.items()}
    body.update({"idempotency_key": key, "delivery": "electronic", "action": "submit"})
    body.update(files(guide))
    body.update(extra)
    return body


@pytest.fixture
def signed_in(client, demo, user):
    def sign(name: str):
        client.force_login(user(name))
        return client

    return sign


# ---------------------------------------------------------------- apply


def test_the_apply_page_shows_items_one_form_uploads_and_exemptions(signed_in, newborn_guide):
    page = signed_in("zhangsan").get(APPLY)
    assert page.status_code == 200
    html = page.content.decode()
    for item in newborn_guide.items:
        assert item.name in html
    assert 'name="f.child_birth_date" type="date"' in html
    assert 'name="f.applicant_phone" type="tel"' in html and 'inputmode="tel"' in html
    assert '<select id="f-child_sex" name="f.child_sex"' in html
    assert 'value="张三"' in html  # prefilled from the account
    assert 'value="138****5678"' in html and "13812345678" not in html  # own phone, masked
    assert ZHANGSAN_ID not in html  # 参保人身份号码 is the newborn's, not the parent's
    for material in newborn_guide.materials_to_submit:
        assert material.name in html
    for material in newborn_guide.materials_exempt:
        assert material.exempt_reason in html
    assert 'name="idempotency_key" value="' in html
    assert 'accept=".pdf,.jpg,.jpeg,.png' in html


def test_the_own_phone_shown_masked_is_filled_in_and_another_one_can_be_typed(
    signed_in, newborn_guide
):
    client = signed_in("zhangsan")
    form = {k: v for k, v in valid_form(newborn_guide).items() if k != "applicant_phone"}
    client.post(APPLY, payload(newborn_guide, key="own-phone", form=form))
    client.post(
        APPLY, payload(newborn_guide, key="new-phone", form={**form, "applicant_phone": ""})
    )
    client.post(
        APPLY,
        payload(newborn_guide, key="typed", form={**form, "applicant_phone": "13900001111"}),
    )
    stored = [
        json.loads(a.form_data)["applicant_phone"] for a in Application.objects.order_by("pk")
    ]
    assert stored == ["13812345678", "13812345678", "13900001111"]


RETIREMENT = "JS-2022-12"  # its form asks for the applicant's own ID number


@pytest.mark.parametrize(
    ("username", "query"), [("zhangsan", ""), ("clerk", f"?for={ZHANGSAN_ID}")]
)
def test_the_applicants_id_number_is_shown_masked_and_filled_in(signed_in, username, query):
    from django.utils import timezone

    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current

    guide = compute_guide(version_current(RETIREMENT).snapshot, start=timezone.localdate())
    client = signed_in(username)
    page = client.get(f"/apply/{RETIREMENT}/{query}", follow=True)
    html = page.content.decode()
    shown = re.search(r'<input id="f-applicant_id_number"[^>]*>', html)
    assert shown and "readonly" in shown.group() and "name=" not in shown.group()
    assert "3211**********" in shown.group() and ZHANGSAN_ID not in html
    address = page.redirect_chain[-1][0] if page.redirect_chain else f"/apply/{RETIREMENT}/"
    form = {k: v for k, v in valid_form(guide).items() if k != "applicant_id_number"}
    response = client.post(address, payload(guide, form=form))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get()
    assert json.loads(application.form_data)["applicant_id_number"] == ZHANGSAN_ID
    assert application.person == Person.objects.get(user__username="zhangsan")


def test_the_guide_links_to_apply_with_the_same_answers(client, demo):
    page = client.get(f"/one-things/{NEWBORN}/?a.parents_ethnicity=same")
    assert f'href="/apply/{NEWBORN}/?a.parents_ethnicity=same"' in page.content.decode()


def test_apply_needs_sign_in(client, demo):
    response = client.get(APPLY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_valid_application_is_stored_and_shows_its_number(signed_in, newborn_guide):
    client = signed_in("zhangsan")
    response = client.post(APPLY, payload(newborn_guide), follow=True)
    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == f"/me/applications/{application.number}/"
    html = response.content.decode()
    assert f"办件编号：{application.number}" in html
    assert application.person == Person.objects.get(user__username="zhangsan")
    assert application.channel == Channel.WEB
    assert application.materials.count() == len(
        [m for m in newborn_guide.materials_to_submit if m.required]
    )


def test_a_double_click_creates_one_application(signed_in, newborn_guide):
    client = signed_in("zhangsan")
    first = client.post(APPLY, payload(newborn_guide, key="same-key"))
    again = client.post(APPLY, payload(newborn_guide, key="same-key"), follow=True)
    assert Application.objects.count() == 1
    assert first["Location"] == again.redirect_chain[0][0]
    assert "没有重复提交" in again.content.decode()


def test_every_problem_is_shown_at_once_and_nothing_is_stored(signed_in, newborn_guide):
    form = valid_form(newborn_guide)
    form["mother_id_number"] = "110105194912310021"  # wrong check digit
    form["child_birth_date"] = "2099-01-01"
    form["child_name"] = ""
    form["mother_name"] = "王芳芳"
    body = payload(newborn_guide, form=form)
    del body["upload-0"]
    response = signed_in("zhangsan").post(APPLY, body)
    assert response.status_code == 200
    html = response.content.decode()
    assert not Application.objects.exists()
    assert "申请还有4处需要修改" in html
    for anchor in ("#f-mother_id_number", "#f-child_birth_date", "#f-child_name", "#upload-0"):
        assert f'href="{anchor}"' in html  # in the summary at the top
    for element in ("mother_id_number", "child_birth_date", "child_name"):
        assert f'id="f-{element}-problem"' in html  # and next to the field
    assert 'id="upload-0-problem"' in html
    assert "不能晚于今天" in html and "此项必填" in html
    assert 'value="王芳芳"' in html and 'value="2099-01-01"' in html  # what was typed stays
    assert "重新选择文件" in html


def test_courier_delivery_needs_an_address(signed_in, newborn_guide):
    response = signed_in("zhangsan").post(APPLY, payload(newborn_guide, delivery="courier"))
    assert response.status_code == 200
    assert "请填写邮寄地址" in response.content.decode()
    assert not Application.objects.exists()


def test_a_disguised_executable_is_refused(signed_in, newborn_guide):
    body = payload(newborn_guide)
    body["upload-0"] = SimpleUploadedFile("出生记录.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = signed_in("zhangsan").post(APPLY, body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "实际上是程序或压缩包，不能上传" in html and 'id="upload-0-problem"' in html
    assert not Application.objects.exists()


def test_images_are_accepted(signed_in, newborn_guide):
    body = payload(newborn_guide)
    body["upload-1"] = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    signed_in("zhangsan").post(APPLY, body)
    assert Application.objects.get().materials.filter(content_type="image/png").count() == 1


# ---------------------------------------------------------------- drafts


def test_a_draft_keeps_the_typed_values_for_later(signed_in, newborn_guide):
    client = signed_in("zhangsan")
    body = {"f.child_name": "张小宝", "f.applicant_address": "句容市华阳街道1号", "action": "draft"}
    saved = client.post(APPLY, body, follow=True)
    assert "草稿已保存" in saved.content.decode()
    html = saved.content.decode()
    assert 'value="张小宝"' in html and "已为您恢复" in html
    stored = next(v for k, v in client.session.items() if k.startswith("apply-draft:"))
    assert "张小宝" not in stored  # encrypted in the session
    assert not Application.objects.exists()
    client.post(APPLY, {"action": "discard"})
    assert 'value="张小宝"' not in client.get(APPLY).content.decode()


def test_submitting_clears_the_draft(signed_in, newborn_guide):
    client = signed_in("zhangsan")
    client.post(APPLY, {"f.child_name": "张小宝", "action": "draft"})
    client.post(APPLY, payload(newborn_guide))
    assert not [k for k, _v in client.session.items() if k.startswith("apply-draft:")]


# ---------------------------------------------------------------- on behalf


def test_a_clerk_applies_for_a_person_at_the_window(signed_in, newborn_guide):
    client = signed_in("clerk")
    # the clerk types the number into the look-up form; it goes by POST, not in an address
    page = client.post(APPLY, {"action": "lookup", "for": ZHANGSAN_ID.lower()}, follow=True)
    address = page.redirect_chain[-1][0]
    html = page.content.decode()
    assert "代为申请" in html and "张三" in html
    assert "3211**********" in html
    assert ZHANGSAN_ID not in html and ZHANGSAN_ID not in address and "for=" in address
    response = client.post(address, payload(newborn_guide))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.channel == Channel.WINDOW
    assert application.person == Person.objects.get(user__username="zhangsan")
    assert application.submitted_by.username == "clerk"


def test_an_id_number_in_the_address_is_replaced_by_a_reference(signed_in):
    client = signed_in("clerk")
    response = client.get(APPLY, {"for": ZHANGSAN_ID, "a.parents_ethnicity": "same"})
    assert response.status_code == 302
    assert ZHANGSAN_ID not in response["Location"]
    assert "a.parents_ethnicity=same" in response["Location"]
    assert "张三" in client.get(response["Location"]).content.decode()


def test_a_forged_or_expired_reference_is_explained(signed_in):
    from django.core import signing

    client = signed_in("clerk")
    forged = signing.dumps(1, salt="another purpose")
    html = client.get(APPLY, {"for": forged}).content.decode()
    assert "链接已过期或不完整" in html and "无法为这位申请人办理" in html


def test_a_wrong_or_unknown_id_number_is_explained(signed_in):
    client = signed_in("clerk")
    wrong = client.get(APPLY, {"for": "110105194912310021"}).content.decode()
    assert "公民身份号码校验位不正确" in wrong
    unknown = client.get(APPLY, {"for": demo_id_number("110105", "19700101", 555)})
    assert "没有找到这个公民身份号码" in unknown.content.decode()
    assert 'name="idempotency_key"' not in unknown.content.decode()


def test_an_authorised_agent_applies_for_the_principal(signed_in, newborn_guide):
    client = signed_in("bangban")
    response = client.post(f"{APPLY}?for={GRANNY_ID}", payload(newborn_guide))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.person.name == "赵奶奶" and application.channel == Channel.WEB


def test_an_agent_without_authorisation_is_refused(signed_in, newborn_guide):
    client = signed_in("bangban")
    page = client.get(APPLY, {"for": LISI_ID})
    assert page.status_code == 403 and "没有代其办理" in page.content.decode()
    response = client.post(f"{APPLY}?for={LISI_ID}", payload(newborn_guide))
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_an_applicant_cannot_apply_for_someone_else(signed_in, newborn_guide):
    response = signed_in("lisi").post(f"{APPLY}?for={ZHANGSAN_ID}", payload(newborn_guide))
    assert response.status_code == 403
    assert not Application.objects.exists()


# ---------------------------------------------------------------- my applications and one


def test_my_applications_newest_first(signed_in, submit):
    older, newer = submit(), submit()
    submit("lisi")
    html = signed_in("zhangsan").get("/me/applications/").content.decode()
    assert html.index(newer.number) < html.index(older.number)
    assert html.count("/me/applications/YJS") == 2
    assert "已提交，待受理" in html and "—" in html


def test_the_application_page_shows_status_items_and_timeline(signed_in, submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    html = signed_in("zhangsan").get(f"/me/applications/{application.number}/").content.decode()
    assert "已受理，办理中" in html
    assert "出生医学证明首次签发" in html and "已送到部门，等待办理" in html
    assert "您的申请已提交" in html and "申请已受理" in html
    assert "撤回申请" in html


def test_someone_else_cannot_see_the_application(signed_in, submit):
    application = submit()
    assert signed_in("lisi").get(f"/me/applications/{application.number}/").status_code == 404


def _notice(application, user):
    return correction_issue(
        application=application,
        actor=user("clerk"),
        deficiencies=[
            {
                "kind": "material",
                "target": "近期免冠证件照片",
                "item": "社会保障卡申领",
                "reason": "照片背景应为白色",
            },
            {"kind": "field", "target": "child_name", "item": "出生登记", "reason": "姓名有错别字"},
        ],
    )


def test_a_correction_is_answered_once(signed_in, submit, user):
    application = submit()
    _notice(application, user)
    client = signed_in("zhangsan")
    url = f"/me/applications/{application.number}/"
    html = client.get(url).content.decode()
    assert "照片背景应为白色" in html and "姓名有错别字" in html and "社会保障卡申领" in html

    incomplete = client.post(url + "correction/", {"f.child_name": "张小明"})
    assert incomplete.status_code == 200 and "请重新上传这份材料" in incomplete.content.decode()
    assert application.corrections.get().status == Correction.Status.OPEN

    answer = {
        "f.child_name": "张小明",
        "correction-upload-0": SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
    }
    done = client.post(url + "correction/", answer, follow=True)
    assert "补正材料已提交" in done.content.decode()
    application.refresh_from_db()
    assert application.status == AppState.SUBMITTED
    assert application.corrections.get().status == Correction.Status.ANSWERED

    again = client.post(
        url + "correction/",
        {
            "f.child_name": "张大明",
            "correction-upload-0": SimpleUploadedFile("p.png", PNG, content_type="image/png"),
        },
        follow=True,
    )
    assert "已经答复过了" in again.content.decode()
    application.refresh_from_db()
    assert '"child_name": "张小明"' in application.form_data
    assert application.materials.filter(name="近期免冠证件照片").count() == 2


def test_a_returned_task_can_be_answered_with_an_extra_file(signed_in, submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    task = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=task, actor=user("coord"), decision="return", opinion="请补充分娩记录")
    client = signed_in("zhangsan")
    url = f"/me/applications/{application.number}/"
    assert "请补充分娩记录" in client.get(url).content.decode()
    body = {"correction-upload-0": SimpleUploadedFile("r.pdf", PDF)}
    client.post(url + "correction/", body)
    application.refresh_from_db()
    assert application.status == AppState.ACCEPTED
    assert application.materials.filter(name__startswith="补充材料").count() == 1


def test_withdraw_asks_first_then_withdraws(signed_in, submit):
    application = submit()
    client = signed_in("zhangsan")
    url = f"/me/applications/{application.number}/withdraw/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确定要撤回" in confirm.content.decode()
    application.refresh_from_db()
    assert application.status == AppState.SUBMITTED  # asking changes nothing
    done = client.post(url, {"reason": "不办了"}, follow=True)
    assert "申请已撤回" in done.content.decode()
    application.refresh_from_db()
    assert application.status == AppState.WITHDRAWN
    again = client.post(url, follow=True)
    assert "不能" in again.content.decode()  # the Conflict's message, shown plainly
    assert (
        "撤回申请</a>" not in client.get(f"/me/applications/{application.number}/").content.decode()
    )


def test_withdraw_is_refused_after_a_decision(signed_in, submit, user):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    task = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=task, actor=user("coord"), decision="approve", opinion="")
    client = signed_in("zhangsan")
    response = client.post(f"/me/applications/{application.number}/withdraw/", follow=True)
    assert "已有部门作出决定，不能撤回" in response.content.decode()
    application.refresh_from_db()
    assert application.status == AppState.ACCEPTED


def test_the_applicant_home_links_to_my_applications(signed_in):
    html = signed_in("zhangsan").get("/me/").content.decode()
    assert 'href="/me/applications/"' in html


def test_an_enterprise_operator_applies_in_the_enterprises_name(signed_in):
    from django.utils import timezone

    from onething.accounts.models import Enterprise
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current

    guide = compute_guide(version_current("JS-2022-02").snapshot, start=timezone.localdate())
    client = signed_in("wangwu")
    page = client.get("/apply/JS-2022-02/").content.decode()
    assert "以企业名义申请" in page and "句容市味之源餐饮有限公司" in page
    client.post("/apply/JS-2022-02/", payload(guide, key="firm-1"))
    application = Application.objects.get()
    assert application.enterprise == Enterprise.objects.get(name="句容市味之源餐饮有限公司")
    assert application.person is None


def test_an_enterprise_one_thing_needs_an_operator(signed_in):
    page = signed_in("zhangsan").get("/apply/JS-2022-02/").content.decode()
    assert "您还不是任何企业的授权经办人" in page


# ---------------------------------------------------------------- shared data on the form


LOCKED = {
    "mother_name": "刘芳",
    "father_name": "张三",
    "applicant_name": "张三",
    "father_id_number": ZHANGSAN_ID,
}


@pytest.fixture
def registers(demo):
    from onething.datahub.demo import LIUFANG, load_datahub_demo

    load_datahub_demo()
    return {**LOCKED, "mother_id_number": LIUFANG}


def sealed_token(html: str) -> str:
    import re

    found = re.search(r'name="prefill_token" value="([^"]+)"', html)
    assert found, "the form carries its sealed prefill"
    return found.group(1)


def test_registered_values_are_shown_with_their_source_and_locked(
    signed_in, newborn_guide, registers
):
    html = signed_in("zhangsan").get(APPLY).content.decode()
    assert "来自人口库（句容市公安局）" in html
    assert "来自出生医学证明信息（句容市卫生健康委员会）" in html
    assert 'name="f.mother_name" type="text" value="刘芳" readonly aria-readonly="true"' in html
    assert 'name="f.child_birth_place" type="text" value="句容市人民医院" readonly' not in html
    assert sealed_token(html)


def test_a_changed_locked_value_is_restored_and_reported(signed_in, newborn_guide, registers):
    from onething.datahub.models import DataAccess

    client = signed_in("zhangsan")
    token = sealed_token(client.get(APPLY).content.decode())
    reads = DataAccess.objects.count()
    form = {**valid_form(newborn_guide), **registers, "mother_name": "王小红"}
    response = client.post(APPLY, payload(newborn_guide, form=form, prefill_token=token))
    assert response.status_code == 200 and not Application.objects.exists()
    html = response.content.decode()
    assert "“母亲姓名”以人口库（句容市公安局）的登记为准，不能修改" in html
    assert 'value="刘芳" readonly' in html and "王小红" not in html
    assert DataAccess.objects.count() == reads  # the sealed prefill: no second read


def test_without_a_valid_token_the_registers_are_read_again(signed_in, newborn_guide, registers):
    from onething.datahub.models import DataAccess

    client = signed_in("zhangsan")
    form = {**valid_form(newborn_guide), **registers, "father_id_number": LISI_ID}
    response = client.post(APPLY, payload(newborn_guide, form=form, prefill_token="forged"))
    assert "“父亲身份号码”以人口库（句容市公安局）的登记为准" in response.content.decode()
    assert not Application.objects.exists()
    assert DataAccess.objects.filter(purpose__contains="提交时核对预填信息").exists()


def test_a_submitted_form_keeps_where_each_value_came_from(
    signed_in, newborn_guide, registers, user
):
    from onething.datahub.models import DataAccess, FieldSource

    client = signed_in("zhangsan")
    token = sealed_token(client.get(APPLY).content.decode())
    read_ids = set(DataAccess.objects.values_list("pk", flat=True))
    form = {**valid_form(newborn_guide), **registers, "child_birth_place": "句容市妇幼保健院"}
    del form["applicant_name"]  # left out: the register fills it in
    del form["applicant_phone"]  # shown masked, not sent: filled in from the real-name record
    response = client.post(APPLY, payload(newborn_guide, form=form, prefill_token=token))
    assert response.status_code == 302
    application = Application.objects.get()
    sources = {s.element: s for s in FieldSource.objects.filter(application=application)}
    mother = sources["mother_name"]
    assert mother.provider == "population" and mother.locked and mother.fetched_at
    assert mother.source_label == "人口库（句容市公安局）" and mother.access_id in read_ids
    assert sources["applicant_name"].provider == "population"
    place = sources["child_birth_place"]
    assert not place.from_provider and "申请人修改了出生医学证明信息" in place.note
    assert sources["applicant_phone"].source_label == "实名认证信息"
    assert place.source_label == "申请人填写"
    # every read behind the form now belongs to the application (the data tracker shows it)
    linked = set(DataAccess.objects.filter(application=application).values_list("pk", flat=True))
    assert linked == read_ids
    page = client.get(f"/me/applications/{application.number}/").content.decode()
    for shown in ("来自人口库（句容市公安局）", "申请人填写", "取自实名认证信息"):
        assert shown in page
    assert "提出异议" in page
    client.force_login(user("coord"))
    staff = client.get(f"/staff/cases/{application.number}/").content.decode()
    for shown in ("来自人口库（句容市公安局）", "申请人填写", "取自实名认证信息"):
        assert shown in staff
