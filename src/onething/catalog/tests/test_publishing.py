import pytest

from onething.catalog.models import MaterialRequirement, OneThing, ServiceItem
from onething.catalog.publishing import (
    PublishError,
    one_thing_copy_to_region,
    one_thing_edit,
    one_thing_publish,
    one_thing_retire,
    one_thing_submit_for_review,
)
from onething.catalog.selectors import version_current
from onething.core.errors import Conflict, NotFound
from onething.org.models import Region


@pytest.fixture
def newborn(catalog):
    return OneThing.objects.get(seq=7)


def edit(one_thing):
    """Editors change a published one-thing by taking it back to draft."""
    one_thing_edit(one_thing=one_thing, actor=None)


def test_a_published_version_never_changes(newborn):
    first = version_current(newborn.code)
    frozen = dict(first.snapshot)
    item = newborn.entries.first().item
    ServiceItem.objects.filter(pk=item.pk).update(promised_days=1)
    edit(newborn)
    one_thing_submit_for_review(one_thing=newborn, actor=None)
    second = one_thing_publish(one_thing=newborn, actor=None)
    assert second.number == first.number + 1
    first.refresh_from_db()
    assert first.snapshot == frozen
    assert any(change["path"].endswith("promised_days") for change in second.diff)
    assert version_current(newborn.code) == second


def test_publishing_without_changes_keeps_the_version(newborn):
    first = version_current(newborn.code)
    edit(newborn)
    one_thing_submit_for_review(one_thing=newborn, actor=None)
    assert one_thing_publish(one_thing=newborn, actor=None) == first


def test_a_cycle_in_precedence_is_refused(newborn):
    pair = newborn.precedence[0]
    newborn.precedence = [*newborn.precedence, [pair[1], pair[0]]]
    newborn.save()
    edit(newborn)
    with pytest.raises(PublishError) as caught:
        one_thing_submit_for_review(one_thing=newborn, actor=None)
    assert "循环" in caught.value.message and newborn.name in caught.value.message


def test_an_unknown_certificate_type_is_refused(newborn):
    item = newborn.entries.first().item
    MaterialRequirement.objects.create(
        item=item, name="火星证", form="original", source="certificate", source_ref="火星居留证"
    )
    edit(newborn)
    with pytest.raises(PublishError) as caught:
        one_thing_submit_for_review(one_thing=newborn, actor=None)
    assert "火星居留证" in caught.value.message and caught.value.details["entry"]


def test_a_situation_naming_an_unknown_item_is_refused(newborn):
    newborn.situations = [
        {
            "code": "x",
            "question": "问？",
            "answers": [{"value": "y", "label": "是", "include_items": ["NOPE"]}],
        }
    ]
    newborn.save()
    edit(newborn)
    with pytest.raises(PublishError) as caught:
        one_thing_submit_for_review(one_thing=newborn, actor=None)
    assert "NOPE" in caught.value.message


def test_transitions_follow_the_lifecycle(newborn):
    with pytest.raises(Conflict):
        one_thing_submit_for_review(one_thing=newborn, actor=None)  # published, not draft
    one_thing_retire(one_thing=newborn, actor=None)
    with pytest.raises(NotFound):
        version_current(newborn.code)
    with pytest.raises(Conflict):
        one_thing_publish(one_thing=newborn, actor=None)


def test_copy_to_another_region_remembers_its_origin(newborn):
    jiangning = Region.objects.get(code="320115")
    copy = one_thing_copy_to_region(one_thing=newborn, region=jiangning, actor=None)
    assert copy.origin == newborn and copy.status == OneThing.Status.DRAFT
    assert copy.entries.count() == newborn.entries.count()
    one_thing_submit_for_review(one_thing=copy, actor=None)
    version = one_thing_publish(one_thing=copy, actor=None)
    assert version.snapshot["origin"] == newborn.code
    assert version.snapshot["region"]["code"] == "320115"
    with pytest.raises(Conflict):
        one_thing_copy_to_region(one_thing=newborn, region=jiangning, actor=None)
