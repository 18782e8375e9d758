"""What must hold in the database after any fault, against what the client was told."""

from __future__ import annotations

from collections import Counter

from .harness import Client, Site


def assert_submissions_exactly_once(site: Site, client: Client) -> None:
    """Every acknowledged submission is stored once, whole, under its key; nothing else is."""
    ledger, db = client.ledger, site.db
    assert not ledger.mismatches, f"one key, two applications: {ledger.mismatches}"
    assert not ledger.unsure, f"{len(ledger.unsure)} submissions never acknowledged"
    assert all(count == 1 for count in ledger.created.values()), "a key was created twice"
    stored = dict(
        db.rows(
            "SELECT k.key, a.number FROM cases_submissionkey k "
            "JOIN cases_application a ON a.id = k.application_id "
            "JOIN accounts_user u ON u.id = k.user_id WHERE u.username = 'zhangsan'"
        )
    )
    assert stored == ledger.acked  # each acknowledged key once, with the number the client got
    applications = db.rows(
        "SELECT a.id, a.number FROM cases_application a "
        "JOIN accounts_user u ON u.id = a.submitted_by_id WHERE u.username = 'zhangsan'"
    )
    assert sorted(n for _, n in applications) == sorted(ledger.acked.values())
    files = len(site.prepared["body"]["files"])
    materials = Counter(
        a for (a,) in db.rows("SELECT application_id FROM cases_material WHERE file <> ''")
    )
    submitted = Counter(
        a for (a,) in db.rows("SELECT application_id FROM audit_event WHERE kind = 'submitted'")
    )
    half_written = [n for pk, n in applications if materials[pk] != files or submitted[pk] != 1]
    assert not half_written, f"applications stored in part: {half_written}"


def assert_dispatched_once(site: Site, client: Client) -> None:
    """Every accepted application has its tasks once; every released task one callback each."""
    db = site.db
    accepted = {
        n for (n,) in db.rows("SELECT number FROM cases_application WHERE status = 'accepted'")
    }
    assert accepted == client.ledger.accepted
    doubled = db.rows(
        "SELECT application_id, item_code FROM cases_task "
        "GROUP BY application_id, item_code HAVING COUNT(*) > 1"
    )
    assert not doubled, f"tasks dispatched twice: {doubled}"
    without_tasks = db.rows(
        "SELECT number FROM cases_application a WHERE status = 'accepted' "
        "AND NOT EXISTS (SELECT 1 FROM cases_task t WHERE t.application_id = a.id)"
    )
    assert not without_tasks
    released = {pk for (pk,) in db.rows("SELECT id FROM cases_task WHERE released_at IS NOT NULL")}
    messages = [
        (db.json(payload)["task"], subscription)
        for payload, subscription in db.rows(
            "SELECT payload, subscription_id FROM webhooks_outboxmessage "
            "WHERE event = 'task.released'"
        )
    ]
    assert len(messages) == len(set(messages)), "a release was announced twice"
    assert {task for task, _ in messages} == released


def assert_callbacks_delivered_and_processed_once(site: Site, receiver) -> list[tuple]:
    """Every outbox message delivered, received at least once, processed exactly once."""
    rows = site.db.rows("SELECT event_id, state, attempts FROM webhooks_outboxmessage")
    event_ids = {str(_uuid(e)) for e, _, _ in rows}
    assert [r for r in rows if r[1] != "delivered"] == []
    assert len(receiver.processed) == len(set(receiver.processed))
    assert set(receiver.processed) == event_ids
    assert event_ids <= set(receiver.event_ids)
    assert all(r.signature_ok for r in receiver.requests)
    return rows


def _uuid(value: object) -> object:
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
