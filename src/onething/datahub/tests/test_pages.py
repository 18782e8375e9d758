"""The pages with Django's test client: prefill preview (and raising an objection there), the
applicant's data tracker, the staff objection page; and the access-log API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from onething.accounts.models import StaffRole
from onething.accounts.services import token_issue
from onething.datahub import demo as datahub_demo
from onething.datahub.models import DataAccess, DataObjection
from onething.datahub.tests.conftest import NEWBORN
from onething.datahub.tests.test_objections import PDF

PREVIEW = f"/me/prefill/{NEWBORN}/"


@pytest.fixture
def signed_in(client, demo, user):
    def sign(name: str):
        client.force_login(user(name))
        return client

    return sign


def objection(client, element="applicant_household_address", **changes):
    data = {
        "element": element,
        "proposed_value": "江苏省句容市华阳街道华阳南路18号3幢2单元302室",
        "reason": "门牌号登记错了",
        "evidence": SimpleUploadedFile("房产证.pdf", PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return client.post(PREVIEW + "?a.marital_birth=yes", data)


def test_the_preview_shows_each_value_with_its_source(signed_in):
    page = signed_in("zhangsan").get(PREVIEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert "申请前预览：新生儿出生" in html
    assert "句容市卫生健康委员会" in html
    assert "刘芳" in html and "句容市人民医院" in html and "J321183-2018-000512" in html
    assert "人口库（句容市公安局）" in html
    assert "出生医学证明信息（句容市卫生健康委员会）" in html
    assert "以登记为准" in html and "可修改" in html
    assert datahub_demo.LIUFANG not in html  # ID numbers are shown masked
    assert datahub_demo.LIUFANG[:4] + "**********" + datahub_demo.LIUFANG[-4:] in html
    assert "需要您在申请表中填写的信息" in html and "监护人电话" in html
    assert f'href="/apply/{NEWBORN}/"' in html
    assert DataAccess.objects.filter(purpose="办理“新生儿出生”：申请前预览预填信息").count() == 4


def test_the_preview_keeps_the_guide_answers_on_the_way_to_the_form(signed_in):
    html = signed_in("zhangsan").get(PREVIEW + "?a.marital_birth=no").content.decode()
    assert f"/apply/{NEWBORN}/?a.marital_birth=no" in html
    assert "结婚证字号" not in html  # the marriage item is excluded by the answer


def test_the_preview_is_for_applicants(client, demo, make_staff):
    client.force_login(make_staff("321183", "police"))
    assert client.get(PREVIEW).status_code == 403
    client.logout()
    assert client.get(PREVIEW).status_code == 302  # to sign in


def test_an_unknown_one_thing_is_not_found(signed_in):
    assert signed_in("zhangsan").get("/me/prefill/NOPE/").status_code == 404


def test_an_objection_raised_from_the_preview(signed_in):
    client = signed_in("zhangsan")
    answer = objection(client)
    assert answer.status_code == 302
    raised = DataObjection.objects.get()
    assert raised.element == "applicant_household_address" and raised.evidence
    page = client.get(answer.url)
    assert "已提交对“落户地址”的数据异议" in page.content.decode()


def test_an_objection_with_a_problem_is_shown_next_to_the_field(signed_in):
    client = signed_in("zhangsan")
    answer = objection(client, reason="")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "请说明异议理由" in html and 'role="alert"' in html
    assert "江苏省句容市华阳街道华阳南路18号3幢2单元302室" in html  # what they typed is kept
    answer = objection(client, element="applicant_phone", proposed_value="13900000000")
    assert answer.status_code == 400
    assert "不是从共享数据获取的" in answer.content.decode()
    assert not DataObjection.objects.exists()


def test_the_data_tracker_lists_every_read_in_plain_words(signed_in):
    client = signed_in("zhangsan")
    client.get(PREVIEW)
    page = client.get("/me/data-access/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "我的数据使用记录" in html
    assert "从人口库读取您的姓名、公民身份号码、民族、户籍地址" in html
    assert "从出生医学证明信息读取您的" in html
    assert "办理“新生儿出生”：申请前预览预填信息" in html
    assert html.count("句容市卫生健康委员会") >= 3
    assert "您本人在平台上操作时" in html and "已读取" in html
    # his wife's data was read too, but that is in her tracker, not his
    assert html.count('class="outcome outcome-ok"') == 3


def test_the_tracker_lists_objections_and_answers(signed_in, user):
    client = signed_in("zhangsan")
    objection(client)
    html = client.get("/me/data-access/").content.decode()
    assert "我提出的数据异议" in html and "待处理" in html and "句容市公安局" in html


def test_the_tracker_costs_a_fixed_number_of_queries(signed_in, django_assert_max_num_queries):
    client = signed_in("zhangsan")
    client.get(PREVIEW)
    client.get(PREVIEW)
    with django_assert_max_num_queries(12):
        client.get("/me/data-access/")


def test_staff_of_the_providing_department_resolve_an_objection(signed_in, client, user):
    applicant = signed_in("zhangsan")
    objection(applicant)
    raised = DataObjection.objects.get()
    client.force_login(user("approver"))  # 句容市公安局
    page = client.get("/staff/data/objections/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "落户地址" in html and "302室" in html and "查看证明材料" in html
    assert "数据质量统计" in html and "人口库" in html
    evidence = client.get(f"/data/objections/{raised.pk}/evidence/")
    assert evidence.status_code == 200 and evidence["Content-Type"] == "application/pdf"
    answer = client.post(
        f"/staff/data/objections/{raised.pk}/resolve/",
        {"decision": "corrected", "response": "经核实已更正。"},
    )
    assert answer.status_code == 302
    raised.refresh_from_db()
    assert raised.status == DataObjection.Status.CORRECTED
    client.force_login(user("zhangsan"))
    html = client.get(PREVIEW).content.decode()
    assert "华阳南路18号3幢2单元302室" in html


def test_other_departments_neither_see_nor_resolve(signed_in, client, user):
    objection(signed_in("zhangsan"))
    raised = DataObjection.objects.get()
    client.force_login(user("coord"))  # 卫健委
    html = client.get("/staff/data/objections/").content.decode()
    assert f'id="objection-{raised.pk}"' not in html
    assert (
        client.post(
            f"/staff/data/objections/{raised.pk}/resolve/",
            {"decision": "corrected", "response": "x"},
        ).status_code
        == 404
    )
    assert client.get(f"/data/objections/{raised.pk}/evidence/").status_code == 404
    raised.refresh_from_db()
    assert raised.status == DataObjection.Status.OPEN


def test_the_staff_page_is_for_staff(signed_in):
    assert signed_in("zhangsan").get("/staff/data/objections/").status_code == 403


def test_a_resolution_needs_a_decision(signed_in, client, user):
    objection(signed_in("zhangsan"))
    raised = DataObjection.objects.get()
    client.force_login(user("approver"))
    client.post(f"/staff/data/objections/{raised.pk}/resolve/", {"response": "x"})
    raised.refresh_from_db()
    assert raised.status == DataObjection.Status.OPEN


def test_the_access_log_api_for_the_signed_in_applicant(signed_in, client, user):
    signed_in("zhangsan").get(PREVIEW)
    client.logout()
    assert client.get("/api/v1/data/access-log").status_code == 401
    _token, secret = token_issue(user=user("zhangsan"), name="test")
    answer = client.get("/api/v1/data/access-log", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    rows = answer.json()
    assert len(rows) == 3
    population = next(r for r in rows if r["provider"] == "population")
    assert population["department"] == "句容市卫生健康委员会"
    assert population["field_names"] == ["姓名", "公民身份号码", "民族", "户籍地址"]
    assert population["purpose"] == "办理“新生儿出生”：申请前预览预填信息"
    assert population["outcome"] == "ok"
    # the session works too, for the applicant's own pages
    client.force_login(user("zhangsan"))
    assert len(client.get("/api/v1/data/access-log?limit=2").json()) == 2


def test_the_access_log_api_is_for_applicants(client, demo, make_staff):
    client.force_login(make_staff("321183", "police", StaffRole.APPROVER))
    answer = client.get("/api/v1/data/access-log")
    assert answer.status_code == 403
    assert answer.json()["code"] == "applicants_only"


def test_an_enterprise_one_thing_previews_the_enterprise_register(signed_in):
    html = signed_in("wangwu").get("/me/prefill/JS-2022-01/").content.decode()
    assert "法人库（句容市市场监督管理局）" in html
    assert "句容市味之源餐饮有限公司" in html and "有限责任公司" in html
    assert "企业的信息" in html


def test_a_long_tracker_pages_from_newer_to_older_records(signed_in):
    client = signed_in("zhangsan")
    client.get(PREVIEW)
    reads = list(DataAccess.objects.all())
    for _ in range(20):  # the same reads again and again: more than a page of them
        for read in reads:
            read.pk = None
        DataAccess.objects.bulk_create(reads)

    first = client.get("/me/data-access/").content.decode()
    assert 'href="?page=2" rel="next">较早的记录</a>' in first and 'rel="prev"' not in first
    second = client.get("/me/data-access/?page=2").content.decode()
    assert 'href="?page=1" rel="prev">较新的记录</a>' in second
    assert "第 2 页，共 2 页" in second
