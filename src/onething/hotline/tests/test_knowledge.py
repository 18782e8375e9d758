"""The knowledge base: generated first from the published catalog (one entry per question people
ask, for each one-thing and each item), rebuilt in place, extended by staff, and searched the way
the catalog is searched."""

import pytest
from django.core.management import call_command

from onething.catalog.models import OneThingVersion
from onething.catalog.publishing import one_thing_retire
from onething.catalog.selectors import versions_current
from onething.hotline.knowledge import kb_build
from onething.hotline.models import KnowledgeEntry
from onething.hotline.search import kb_search

from .conftest import NEWBORN, RESTAURANT

pytestmark = pytest.mark.django_db


def entry(key: str) -> KnowledgeEntry:
    return KnowledgeEntry.objects.get(key=key)


def test_the_catalog_becomes_questions_and_answers(kb):
    # given the published catalog, when the knowledge base is built (fixture kb)
    versions = versions_current()
    items = {i["code"] for v in versions for i in v.snapshot["items"]}
    # then every one-thing has six entries and every item four
    assert kb["created"] == 6 * len(versions) + 4 * len(items)
    assert KnowledgeEntry.objects.filter(source="catalog", active=True).count() == kb["created"]

    overview = entry(f"{NEWBORN}:overview")
    assert overview.question == "新生儿出生要办哪些事？"
    assert "第一步：出生医学证明首次签发（句容市卫生健康委员会）" in overview.answer
    assert "生孩子" in overview.keywords and "办什么" in overview.keywords

    materials = entry(f"{NEWBORN}:materials")
    assert materials.question == "新生儿出生要带什么材料？"
    assert "新生儿出生医学记录" in materials.answer
    assert "免于提交" in materials.answer

    birth_registration = entry("item:000709105001:days")
    assert birth_registration.question == "办理出生登记要多久？"
    assert "句容市公安局" in birth_registration.answer
    assert birth_registration.one_thing_code == NEWBORN

    restaurant_fees = entry(f"{RESTAURANT}:fees")
    assert restaurant_fees.question == "企业准营（开办餐饮店）收费吗？"
    assert restaurant_fees.answer.startswith("不收费")
    assert "开办餐饮店" in restaurant_fees.keywords  # the name in brackets is an alias

    house_fee = entry("item:000705105001:fees")
    assert "80元" in house_fee.answer

    departments = entry(f"{NEWBORN}:departments")
    assert "牵头部门：句容市卫生健康委员会" in departments.answer
    assert "句容市公安局" in departments.answer


def test_building_again_changes_only_what_changed_and_leaves_staff_entries(kb):
    staff_entry = KnowledgeEntry.objects.create(
        question="新生儿出生后多久要报户口？",
        answer="出生后一个月内申报出生登记。",
        keywords=["报户口", "落户", "多久"],
    )
    assert staff_entry.source == "staff"
    KnowledgeEntry.objects.filter(key=f"{NEWBORN}:fees").update(answer="旧的答案")

    again = kb_build()

    assert again["created"] == 0 and again["retired"] == 0
    assert again["updated"] == 1
    assert again["unchanged"] == kb["created"] - 1
    assert entry(f"{NEWBORN}:fees").answer.startswith("不收费")
    assert KnowledgeEntry.objects.filter(pk=staff_entry.pk, active=True).exists()


def test_a_retired_one_thing_retires_its_entries(kb):
    version = OneThingVersion.objects.filter(one_thing__code=RESTAURANT).latest("number")
    one_thing_retire(one_thing=version.one_thing, actor=None)

    counts = kb_build()

    assert counts["retired"] >= 6
    assert not entry(f"{RESTAURANT}:fees").active
    assert all(e.one_thing_code != RESTAURANT for e in kb_search("开办餐饮店收费吗"))


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ["孩子出生了要办什么", f"{NEWBORN}:overview"],
        ["新生儿出生要带什么材料？", f"{NEWBORN}:materials"],
        ["办理出生登记要多久？", "item:000709105001:days"],
        ["开办餐饮店收费吗？", f"{RESTAURANT}:fees"],
        ["开饭店找哪个部门", f"{RESTAURANT}:departments"],
        ["生孩子", f"{NEWBORN}:overview"],
    ],
)
def test_everyday_questions_find_their_entry(kb, query, key):
    found = kb_search(query)
    assert found, query
    assert found[0].key == key


def test_a_child_is_born_finds_the_newborn_one_thing_and_its_first_step(kb):
    best = kb_search("孩子出生了要办什么")[0]
    assert best.one_thing_code == NEWBORN
    assert "第一步：出生医学证明首次签发" in best.answer


def test_intent_words_alone_find_nothing_in_particular(kb):
    assert kb_search("多少钱") == []
    assert kb_search("今天天气怎么样") == []


def test_a_staff_entry_is_found_and_an_inactive_one_is_not(kb):
    added = KnowledgeEntry.objects.create(
        question="12345热线几点上班？",
        answer="12345热线全天24小时接听。",
        keywords=["12345", "热线", "上班时间"],
    )
    assert kb_search("热线几点上班")[0] == added
    added.active = False
    added.save()
    assert added not in kb_search("热线几点上班")


def test_the_command_builds_the_knowledge_base(catalog, capsys):
    call_command("hotline", "kb", "build")
    assert "知识库：新增" in capsys.readouterr().out
    assert KnowledgeEntry.objects.filter(source="catalog").exists()
