"""Prefill with provenance: which field comes from which registry, about whom, locked or not;
and the tracker holding every read it made."""

from __future__ import annotations

from onething.accounts.models import Enterprise
from onething.conftest import department
from onething.datahub import demo as datahub_demo
from onething.datahub.models import DataAccess
from onething.datahub.services import prefill
from onething.datahub.tests.conftest import COMPANY, MARRIAGE
from onething.datahub.tests.test_providers import LISI, ZHANGSAN

PURPOSE = "办理“新生儿出生”：预填申请表"


def run(guide, subject, dept, actor, **kwargs):
    return prefill(
        form_fields=guide.form,
        subject=subject,
        requesting_department=dept,
        purpose=kwargs.pop("purpose", PURPOSE),
        actor=actor,
        **kwargs,
    )


def test_the_newborn_form_is_filled_from_four_registries_with_provenance(
    demo, health, user, newborn_guide
):
    zhangsan = user("zhangsan")
    filled = run(newborn_guide, zhangsan.person, health, zhangsan)
    assert list(filled) == [f.element for f in newborn_guide.form]
    values = {k: v.value for k, v in filled.items() if v.from_provider}
    assert values == {
        "child_sex": "2",
        "child_birth_date": datahub_demo.newborn_birth_date().isoformat(),
        "child_birth_place": "句容市人民医院",
        "child_birth_weight": "3350",
        "mother_name": "刘芳",
        "mother_id_number": datahub_demo.LIUFANG,
        "mother_ethnicity": "汉族",
        "father_name": "张三",
        "father_id_number": ZHANGSAN,
        "father_ethnicity": "汉族",
        "applicant_name": "张三",
        "marriage_cert_no": "J321183-2018-000512",
        "birth_medical_cert_no": "Q321183417",
        "applicant_household_address": datahub_demo.ZHANGSAN_HOME,
        "delivery_mode": "natural",
    }
    mother = filled["mother_name"]
    assert mother.provider == "population" and mother.provider_field == "name"
    assert mother.source_label == "人口库（句容市公安局）"
    assert mother.fetched_at is not None and mother.locked
    assert filled["child_birth_place"].source_label == "出生医学证明信息（句容市卫生健康委员会）"
    assert filled["marriage_cert_no"].source_label == "婚姻登记信息（句容市民政局）"
    # identity from the population register is locked; the rest can be edited
    assert {k for k, v in filled.items() if v.locked} == {
        "mother_name",
        "mother_id_number",
        "father_name",
        "father_id_number",
        "applicant_name",
    }
    # the insured person (参保人) is the newborn, not the guardian; and what nobody keeps
    for element in ("applicant_id_number", "applicant_phone", "child_name", "bank_account"):
        assert filled[element].applicant_entered and filled[element].value == ""


def test_every_read_is_in_the_tracker_once_per_registry_and_person(
    demo, health, user, newborn_guide
):
    zhangsan = user("zhangsan")
    run(newborn_guide, zhangsan.person, health, zhangsan)
    reads = {(a.provider, a.subject_hash): a for a in DataAccess.objects.all()}
    mine = zhangsan.person.id_number_hash
    from onething.datahub.base import SubjectRef

    hers = SubjectRef.person(datahub_demo.LIUFANG).hash
    assert set(reads) == {
        ("birth_record", mine),
        ("marriage", mine),
        ("population", mine),
        ("population", hers),
    }
    assert set(reads[("population", hers)].fields) == {"name", "id_number", "ethnicity"}
    assert {"father_id_number", "mother_id_number"} <= set(reads[("birth_record", mine)].fields)
    for access in reads.values():
        assert access.outcome == DataAccess.Outcome.OK
        assert access.purpose == PURPOSE and access.department == health
        assert access.actor == zhangsan


def test_what_the_applicant_typed_is_kept_and_marked_as_theirs(demo, health, user, newborn_guide):
    zhangsan = user("zhangsan")
    filled = run(
        newborn_guide,
        zhangsan.person,
        health,
        zhangsan,
        typed={
            "applicant_household_address": "江苏省句容市华阳街道新地址1号",
            "applicant_name": "张叁",  # locked: the register wins
            "applicant_phone": "13812345678",
        },
    )
    address = filled["applicant_household_address"]
    assert address.applicant_entered and address.value == "江苏省句容市华阳街道新地址1号"
    assert "您修改了人口库提供的信息" in address.note
    assert filled["applicant_name"].value == "张三" and filled["applicant_name"].locked
    assert filled["applicant_phone"].value == "13812345678"
    assert filled["applicant_phone"].source_label == "申请人填写"


def test_without_a_birth_record_the_parents_follow_the_applicants_sex(
    demo, user, newborn_guide, health
):
    lisi = user("lisi")  # unmarried, no birth record: she is the mother, the father is unknown
    filled = run(newborn_guide, lisi.person, health, lisi)
    assert filled["mother_id_number"].value == LISI
    assert filled["mother_name"].value == "李思"
    assert filled["father_name"].applicant_entered
    assert "没有找到父亲的信息" in filled["father_name"].note
    assert filled["child_birth_date"].applicant_entered
    assert "出生医学证明信息中没有这项信息" in filled["child_birth_date"].note


def test_the_spouse_is_found_through_the_marriage_record(demo, user, guide_of):
    civil = department("321183", "civil")
    zhangsan = user("zhangsan")
    filled = run(guide_of(MARRIAGE), zhangsan.person, civil, zhangsan, purpose="办理“结婚”")
    assert filled["spouse_name"].value == "刘芳"
    assert filled["spouse_id_number"].value == datahub_demo.LIUFANG
    assert filled["spouse_household_address"].value == datahub_demo.ZHANGSAN_HOME
    assert filled["marital_status"].value == "married"


def test_an_enterprise_is_filled_from_the_enterprise_register(demo, user, guide_of):
    approval = department("321183", "approval")
    wangwu = user("wangwu")
    firm = Enterprise.objects.get(name="句容市味之源餐饮有限公司")
    filled = run(guide_of(COMPANY), firm, approval, wangwu, purpose="办理“企业开办”")
    assert filled["enterprise_name"].value == firm.name
    assert not filled["enterprise_name"].locked  # only the population register locks
    assert filled["enterprise_uscc"].value == firm.credit_code
    assert filled["legal_rep_name"].value == "王武"
    assert filled["registered_capital"].value == "50"
    assert filled["enterprise_type"].value == "llc"
    assert filled["enterprise_name"].source_label == "法人库（句容市市场监督管理局）"


def test_a_department_without_agreements_prefills_nothing_and_every_read_is_refused(
    demo, user, newborn_guide
):
    tobacco = department("321183", "tobacco")
    zhangsan = user("zhangsan")
    filled = run(newborn_guide, zhangsan.person, tobacco, zhangsan)
    assert not any(v.from_provider for v in filled.values())
    assert "暂无读取" in filled["child_birth_place"].note
    outcomes = set(DataAccess.objects.values_list("outcome", flat=True))
    assert outcomes == {DataAccess.Outcome.REFUSED}


def test_prefill_of_a_form_without_shared_fields_reads_nothing(demo, health, user, newborn_guide):
    zhangsan = user("zhangsan")
    form = [f for f in newborn_guide.form if not f.prefill_source]
    filled = run(type("G", (), {"form": form})(), zhangsan.person, health, zhangsan)
    assert all(v.applicant_entered for v in filled.values())
    assert not DataAccess.objects.exists()


def test_prefill_costs_a_bounded_number_of_queries(
    demo, health, user, newborn_guide, django_assert_max_num_queries
):
    zhangsan = user("zhangsan")
    with django_assert_max_num_queries(30):
        run(newborn_guide, zhangsan.person, health, zhangsan)


def test_the_reads_behind_a_submitted_form_are_linked_to_the_application(
    demo, health, user, newborn_guide, client
):
    from onething.cases.services import application_submit
    from onething.cases.tests.factories import submission
    from onething.datahub.services import prefill_link

    zhangsan = user("zhangsan")
    filled = run(newborn_guide, zhangsan.person, health, zhangsan)
    application = application_submit(
        actor=zhangsan, submission=submission(newborn_guide, "JS-2022-07")
    )
    assert prefill_link(filled=filled, application=application) == 4
    assert DataAccess.objects.filter(application=application).count() == 4
    client.force_login(zhangsan)
    html = client.get("/me/data-access/").content.decode()
    assert f"办件 {application.number}" in html


def test_numbers_filled_in_from_the_account_are_recorded_as_the_real_name_records():
    from onething.datahub.services import Prefilled, sources_with_account

    registered = Prefilled(value="13812345678", provider="population", source_label="人口库")
    sources = {
        "applicant_id_number": Prefilled(value="320183199001011234"),  # filled in from it
        "applicant_phone": Prefilled(value="13900000000"),  # another number, typed
        "contact_phone": Prefilled(value=""),
        "mother_phone": registered,
    }
    account = {
        "applicant_id_number": "320183199001011234",
        "applicant_phone": "13812345678",
        "contact_phone": "",
        "mother_phone": "13812345678",
    }

    marked = sources_with_account(sources, account)

    assert marked["applicant_id_number"].from_account
    assert marked["applicant_id_number"].source_label == "实名认证信息"
    assert not marked["applicant_id_number"].applicant_entered
    assert marked["applicant_phone"].applicant_entered
    assert marked["applicant_phone"].source_label == "申请人填写"
    assert not marked["contact_phone"].from_account
    assert marked["mother_phone"] is registered
