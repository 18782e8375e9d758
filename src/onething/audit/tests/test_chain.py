"""The per-application SM3 chain: appends continue it, the first event needs no look-up, and
verification catches altered, inserted and deleted events."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.audit.chain import GENESIS, event_append, event_first, verify_application
from onething.audit.models import Event
from onething.cases.models import Application
from onething.cases.services import application_submit
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current


@pytest.fixture
def application(catalog, applicant):
    guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())
    return application_submit(actor=applicant, submission=submission(guide, NEWBORN))


def test_appends_continue_the_chain_from_the_first_event(application, applicant):
    with transaction.atomic():
        second = event_append(application=application, kind="note", actor=applicant, channel="web")
        third = event_append(application=application, kind="note", actor=None, channel="web")
    first = Event.objects.get(application=application, seq=1)
    assert first.prev_hash == GENESIS
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert (third.seq, third.prev_hash) == (3, second.hash)
    assert Application.objects.get(pk=application.pk).timeline_head == third.hash
    assert verify_application(application) == []


def test_a_second_first_event_is_refused(application, applicant):
    with pytest.raises(IntegrityError), transaction.atomic():
        event_first(application=application, kind="submitted", actor=applicant, channel="web")


def test_verification_finds_altered_and_deleted_events(application, applicant):
    with transaction.atomic():
        event_append(application=application, kind="note", actor=applicant, channel="web")
    Event.objects.filter(application=application, seq=1).update(reason="changed")
    assert any("altered" in p for p in verify_application(application))
    Event.objects.filter(application=application, seq=1).update(reason="")
    assert verify_application(application) == []
    Event.objects.filter(application=application, seq=2).delete()
    assert any("deleted" in p for p in verify_application(application))


def test_verification_finds_an_inserted_event_even_with_a_valid_hash_of_its_own(
    application, applicant
):
    """Someone with write access splices an event in and renumbers the rest: the forged event's
    own hash is right, but the next one no longer points at it."""
    from onething.audit.chain import event_hash

    with transaction.atomic():
        event_append(application=application, kind="note", actor=applicant, channel="web")
    first = Event.objects.get(application=application, seq=1)
    Event.objects.filter(application=application, seq=2).update(seq=3)
    forged = Event(
        application=application,
        seq=2,
        kind="accepted",
        actor=None,
        actor_name="",
        channel="web",
        reason="",
        data={},
        at=first.at,
        prev_hash=first.hash,
    )
    forged.hash = event_hash(forged.prev_hash, forged)
    forged.save()
    problems = verify_application(application)
    assert any("#3" in p and "chain broken" in p for p in problems), problems


def test_the_command_fails_when_a_chain_is_broken(application, applicant):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("audit", "verify", verbosity=0)  # intact
    Event.objects.filter(application=application, seq=1).update(reason="changed")
    with pytest.raises(CommandError, match="problems found"):
        call_command("audit", "verify", verbosity=0)
