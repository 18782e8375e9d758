"""The submission path kept cheap without losing anything: guides remembered per version and
answers, each file hashed once, the first timeline event written without a look-up, and a
fresh 201 answered from what was just stored."""

import base64

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onething.audit.chain import verify_application
from onething.audit.models import Event
from onething.cases.models import Application, Material
from onething.cases.services import Upload, application_submit_once
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide, compute_guide_cached
from onething.catalog.selectors import version_current
from onething.core.crypto import sm3_hex

FIVE_ITEMS = {
    "parents_ethnicity": "same",
    "marital_birth": "yes",
    "medical_insurance": "no",
    "ss_card": "yes",
    "maternity": "yes",
    "vaccination": "no",
    "parenting": "no",
}


def test_a_remembered_guide_is_the_computed_one_and_depends_on_the_answers(catalog):
    version = version_current(NEWBORN)
    key = (version.pk, version.digest)
    today = timezone.localdate()
    first = compute_guide_cached(version.snapshot, version_key=key, answers=FIVE_ITEMS, start=today)
    again = compute_guide_cached(
        version.snapshot, version_key=key, answers=dict(FIVE_ITEMS), start=today
    )
    assert again is first
    assert first == compute_guide(version.snapshot, answers=FIVE_ITEMS, start=today)
    assert len(first.items) == 5
    other = compute_guide_cached(
        version.snapshot, version_key=key, answers={**FIVE_ITEMS, "maternity": "no"}, start=today
    )
    assert len(other.items) == 4
    everything = compute_guide_cached(version.snapshot, version_key=key, start=today)
    assert len(everything.items) == 9


def test_an_upload_is_hashed_once_and_stored_with_that_digest(demo, user):
    upload = Upload(material="m", filename="m.pdf", data=b"%PDF-1.4 x")
    assert upload.sm3 == sm3_hex(b"%PDF-1.4 x")
    version = version_current(NEWBORN)
    guide = compute_guide(version.snapshot, answers=FIVE_ITEMS, start=timezone.localdate())
    application, created = application_submit_once(
        actor=user("zhangsan"),
        submission=submission(guide, NEWBORN, answers=FIVE_ITEMS),
        idempotency_key="k-1",
    )
    assert created
    materials = list(Material.objects.filter(application=application))
    assert len(materials) == len(submission(guide, NEWBORN).uploads) == 6
    for material in materials:
        data = material.file.read()
        assert material.digest == sm3_hex(data) and material.size == len(data)


def test_a_submissions_files_are_flushed_each_and_their_folder_once(
    demo, user, tmp_path, monkeypatch
):
    import os

    from onething.core.storage import DurableFileSystemStorage

    field = Material._meta.get_field("file")
    monkeypatch.setattr(field, "storage", DurableFileSystemStorage(location=tmp_path))
    version = version_current(NEWBORN)
    guide = compute_guide(version.snapshot, answers=FIVE_ITEMS, start=timezone.localdate())
    application_submit_once(  # the month's folder exists from here on
        actor=user("zhangsan"), submission=submission(guide, NEWBORN, answers=FIVE_ITEMS)
    )
    flushed: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(
        os, "fsync", lambda fd: (flushed.append(os.readlink(f"/proc/self/fd/{fd}")), real_fsync(fd))
    )

    application, _ = application_submit_once(
        actor=user("zhangsan"), submission=submission(guide, NEWBORN, answers=FIVE_ITEMS)
    )

    files = [m.file for m in Material.objects.filter(application=application)]
    assert len(files) == 6 and len({f.name for f in files}) == 6
    folder = str((tmp_path / files[0].name).parent)
    assert sorted(flushed) == sorted([str(tmp_path / f.name) for f in files] + [folder])
    for material in Material.objects.filter(application=application):
        assert sm3_hex((tmp_path / material.file.name).read_bytes()) == material.digest


def test_a_submission_costs_a_bounded_number_of_queries(demo, user, django_assert_max_num_queries):
    version = version_current(NEWBORN)
    guide = compute_guide(version.snapshot, answers=FIVE_ITEMS, start=timezone.localdate())
    actor = user("zhangsan")
    application_submit_once(
        actor=actor, submission=submission(guide, NEWBORN, answers=FIVE_ITEMS), idempotency_key="a"
    )
    # key look-up, version, applicant, wallet, lead department, application, materials, key,
    # first event, number and chain head (+ savepoint statements inside the test transaction)
    with django_assert_max_num_queries(12):
        application_submit_once(
            actor=actor,
            submission=submission(guide, NEWBORN, answers=FIVE_ITEMS),
            idempotency_key="b",
        )


def test_the_first_event_starts_a_chain_that_verifies(demo, user):
    version = version_current(NEWBORN)
    guide = compute_guide(version.snapshot, start=timezone.localdate())
    application, _ = application_submit_once(
        actor=user("zhangsan"), submission=submission(guide, NEWBORN)
    )
    events = list(Event.objects.filter(application=application))
    assert [(e.seq, e.kind) for e in events] == [(1, "submitted")]
    stored = Application.objects.get(pk=application.pk)
    assert stored.timeline_head == events[0].hash and stored.number == application.number
    assert verify_application(stored) == []
    call_command("audit", "verify")


@pytest.fixture
def api_body(demo):
    version = version_current(NEWBORN)
    guide = compute_guide(version.snapshot, answers=FIVE_ITEMS, start=timezone.localdate())
    payload = submission(guide, NEWBORN)
    return {
        "one_thing": NEWBORN,
        "answers": FIVE_ITEMS,
        "form": payload.form,
        "files": [
            {
                "material": u.material,
                "filename": u.filename,
                "content_base64": base64.b64encode(u.data).decode(),
            }
            for u in payload.uploads
        ],
    }


def submit_through_api(client, body, headers, key):
    return client.post(
        "/api/v1/applications",
        body,
        content_type="application/json",
        headers={**headers, "Idempotency-Key": key},
    )


def test_a_fresh_201_says_what_a_later_read_says(client, api_body, user):
    from onething.accounts.services import token_issue

    _, secret = token_issue(user=user("zhangsan"), name="test")
    headers = {"Authorization": f"Bearer {secret}"}
    with CaptureQueriesContext(connection) as queries:
        created = submit_through_api(client, api_body, headers, "fresh-1")
    assert created.status_code == 201, created.content
    assert not any('FROM "audit_event"' in q["sql"] for q in queries.captured_queries)
    replay = submit_through_api(client, api_body, headers, "fresh-1")
    read = client.get(f"/api/v1/applications/{created.json()['number']}", headers=headers)
    assert replay.status_code == 200
    assert created.json() == replay.json() == read.json()
    assert created.json()["tasks"] == [] and created.json()["open_correction"] is None
    assert [e["what"] for e in created.json()["timeline"]] == ["您的申请已提交"]


def _prefilled(client, api_body, headers):
    """What a client does first: the sealed prefill, and the registries' values as given."""
    answer = client.post(
        f"/api/v1/data/prefill/{NEWBORN}",
        {"answers": FIVE_ITEMS},
        content_type="application/json",
        headers=headers,
    ).json()
    registered = {f["element"]: f["value"] for f in answer["fields"] if f["from_provider"]}
    assert registered, "the demo registries filled nothing"
    return {
        **api_body,
        "form": {**api_body["form"], **registered},
        "prefill_token": answer["prefill_token"],
    }


def test_an_api_submission_finds_its_version_applicant_and_wallet_once(client, api_body, user):
    from onething.accounts.services import token_issue
    from onething.datahub.demo import load_datahub_demo
    from onething.datahub.models import FieldSource

    load_datahub_demo()
    _, secret = token_issue(user=user("zhangsan"), name="test")
    headers = {"Authorization": f"Bearer {secret}"}
    body = _prefilled(client, api_body, headers)

    with CaptureQueriesContext(connection) as queries:
        created = submit_through_api(client, body, headers, "once-1")

    assert created.status_code == 201, created.content
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    for table in ("catalog_onethingversion", "accounts_person", "certificates_certificate"):
        assert sum(f'FROM "{table}"' in sql for sql in reads) == 1, table
    assert not any('FROM "datahub_fieldsource"' in sql for sql in reads)
    application = Application.objects.get(number=created.json()["number"])
    assert FieldSource.objects.filter(application=application, locked=True).exists()


def test_an_enterprise_not_operated_by_the_caller_is_refused_before_any_register_is_read(
    client, api_body, user
):
    from onething.accounts.models import Enterprise
    from onething.accounts.services import token_issue
    from onething.datahub.demo import load_datahub_demo
    from onething.datahub.models import DataAccess

    load_datahub_demo()
    firm = Enterprise.objects.exclude(operators__user__username="zhangsan").first()
    assert firm is not None
    _, secret = token_issue(user=user("zhangsan"), name="test")
    reads_before = DataAccess.objects.count()

    refused = submit_through_api(
        client,
        {**api_body, "enterprise_credit_code": firm.credit_code},
        {"Authorization": f"Bearer {secret}"},
        "firm-1",
    )

    assert refused.status_code == 403 and refused.json()["code"] == "not_enterprise_operator"
    assert DataAccess.objects.count() == reads_before
