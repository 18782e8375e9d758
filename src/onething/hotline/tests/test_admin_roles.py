"""The hotline's Django admin by role (``accounts.services.ROLE_ADMIN_PERMISSIONS``): catalog
editors and hotline agents extend the knowledge base, supervisors keep the routing rules, and
agents delete nothing."""

import pytest
from django.urls import reverse

from onething.catalog.models import OneThing
from onething.hotline.models import KnowledgeEntry, RoutingRule
from onething.org.models import DepartmentKind, Region

pytestmark = pytest.mark.django_db


def entry_form(question):
    return {
        "question": question,
        "answer": "周六上午9:00—12:00开放综合窗口。",
        "keywords_text": "周六，周末",
        "one_thing_code": "",
        "item_code": "",
        "active": "on",
    }


@pytest.mark.parametrize("name", ["editor", "hotline"])
def test_editors_and_agents_add_and_change_knowledge_entries(client, demo, kb, user, name):
    client.force_login(user(name))
    added = client.post(
        reverse("admin:hotline_knowledgeentry_add"), entry_form(f"{name}：周六上班吗？")
    )
    assert added.status_code == 302
    entry = KnowledgeEntry.objects.get(question=f"{name}：周六上班吗？")
    assert entry.source == KnowledgeEntry.Source.STAFF

    changed = client.post(
        reverse("admin:hotline_knowledgeentry_change", args=[entry.pk]),
        {**entry_form(entry.question), "answer": "周六全天开放。"},
    )
    assert changed.status_code == 302
    entry.refresh_from_db()
    assert entry.answer == "周六全天开放。"


def test_agents_may_not_delete_entries_or_touch_routing_rules(client, demo, kb, user):
    client.force_login(user("hotline"))
    entry = KnowledgeEntry.objects.filter(source=KnowledgeEntry.Source.CATALOG).first()
    assert entry is not None
    delete = reverse("admin:hotline_knowledgeentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:hotline_routingrule_changelist")).status_code == 200
    assert client.get(reverse("admin:hotline_routingrule_add")).status_code == 403


def test_supervisors_keep_the_routing_rules(client, demo, kb, user):
    client.force_login(user("supervisor"))
    newborn = OneThing.objects.filter(code="JS-2022-07").first()
    county = Region.objects.get(code="321183")
    police = DepartmentKind.objects.get(code="police")
    # the one-thing and region pickers (autocomplete) answer a supervisor
    picker = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "新生儿",
            "app_label": "hotline",
            "model_name": "routingrule",
            "field_name": "one_thing",
        },
    )
    assert picker.status_code == 200 and str(newborn.pk) in picker.content.decode()

    added = client.post(
        reverse("admin:hotline_routingrule_add"),
        {
            "one_thing": newborn.pk,
            "department_kind": police.pk,
            "region": county.pk,
            "note": "出生登记的催办由公安局答复",
            "active": "on",
        },
    )
    assert added.status_code == 302, added.content.decode()[:1000]
    assert RoutingRule.objects.filter(one_thing=newborn, department_kind=police).exists()
    # knowledge entries are theirs to read, not to write
    assert client.get(reverse("admin:hotline_knowledgeentry_changelist")).status_code == 200
    assert client.get(reverse("admin:hotline_knowledgeentry_add")).status_code == 403
