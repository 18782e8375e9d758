"""开办餐饮店 end to end through the API: an enterprise applies, the lead department accepts,
three department systems act on signed webhooks, one returns the task for more information,
the applicant corrects once, and the last decision finishes the case."""

import base64
import threading

import pytest
from django.utils import timezone

from onething.accounts.models import Enterprise, StaffRole
from onething.accounts.services import department_system_token_create, token_issue
from onething.audit.chain import verify_application
from onething.cases.models import Application
from onething.cases.tests.factories import PDF, submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.conftest import department
from onething.webhooks.tests.conftest import Receiver, _handler_for, _QuietServer

RESTAURANT = "JS-2022-02"


@pytest.fixture
def receivers():
    started = []

    def start() -> Receiver:
        state = Receiver()
        server = _QuietServer(("127.0.0.1", 0), _handler_for(state))
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        state.url = f"http://127.0.0.1:{server.server_address[1]}/callback"
        started.append((server, thread))
        return state

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_restaurant_journey_through_the_api(
    client, demo, user, make_staff, receivers, django_capture_on_commit_callbacks
):
    def call(method, path, headers, body=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(client, method)(
                path, body, content_type="application/json", headers=headers
            )
        assert response.status_code < 300, (path, response.content)
        return response.json()

    # given three department systems subscribed to their tasks
    systems = {}
    for kind in ("approval", "fire", "urban"):
        _, token = department_system_token_create(
            department=department("321183", kind), name=f"{kind}业务系统"
        )
        receiver = receivers()
        created = call(
            "post",
            "/api/v1/webhooks/subscriptions",
            bearer(token),
            {"url": receiver.url, "events": ["task.released", "correction.answered"]},
        )
        receiver.secret = created["secret"]
        systems[kind] = (bearer(token), receiver)

    # when the enterprise applies once through the API
    version = version_current(RESTAURANT)
    guide = compute_guide(version.snapshot, start=timezone.localdate())
    payload = submission(guide, RESTAURANT)
    enterprise = Enterprise.objects.get(name="句容市味之源餐饮有限公司")
    _, applicant_token = token_issue(user=user("wangwu"), name="app")
    applicant = {**bearer(applicant_token), "Idempotency-Key": "restaurant-1"}
    body = {
        "one_thing": RESTAURANT,
        "form": payload.form,
        "enterprise_credit_code": enterprise.credit_code,
        "files": [
            {
                "material": u.material,
                "filename": u.filename,
                "content_base64": base64.b64encode(u.data).decode(),
            }
            for u in payload.uploads
        ],
    }
    number = call("post", "/api/v1/applications", applicant, body)["number"]
    assert call("post", "/api/v1/applications", applicant, body)["number"] == number  # retried

    lead = make_staff("321183", "approval", StaffRole.COORDINATOR)
    _, lead_token = token_issue(user=lead, name="lead")
    call("post", f"/api/v1/applications/{number}/accept", bearer(lead_token))

    # then each system works what its webhooks tell it, until nothing is left
    returned_once = False
    for _round in range(10):
        acted = False
        for kind, (headers, receiver) in systems.items():
            for event_id in list(receiver.processed):
                request = next(r for r in receiver.requests if r.event_id == event_id)
                assert request.signature_ok
                data = request.json["data"]
                task = call("get", "/api/v1/tasks?status=released", headers)
                mine = [t for t in task if t["id"] == data["task"]]
                if not mine:
                    continue
                acted = True
                claimed = call("post", f"/api/v1/tasks/{data['task']}/claim", headers)
                if kind == "fire" and not returned_once:
                    returned_once = True
                    call(
                        "post",
                        f"/api/v1/tasks/{data['task']}/decision",
                        headers,
                        {
                            "decision": "return",
                            "opinion": "请补充消防平面布置图",
                            "revision": claimed["revision"],
                        },
                    )
                    notice = call("get", f"/api/v1/applications/{number}", bearer(applicant_token))[
                        "open_correction"
                    ]
                    assert notice["deficiencies"][0]["reason"] == "请补充消防平面布置图"
                    call(
                        "post",
                        f"/api/v1/applications/{number}/corrections/{notice['id']}/answer",
                        bearer(applicant_token),
                        {
                            "files": [
                                {
                                    "material": "消防平面布置图",
                                    "filename": "plan.pdf",
                                    "content_base64": base64.b64encode(PDF).decode(),
                                }
                            ]
                        },
                    )
                    continue
                call(
                    "post",
                    f"/api/v1/tasks/{data['task']}/decision",
                    headers,
                    {"decision": "approve", "opinion": "符合条件", "revision": claimed["revision"]},
                )
        if not acted:
            break

    application = Application.objects.get(number=number)
    assert returned_once
    assert application.status == "delivered"  # electronic: straight to the wallet
    assert application.delivery_record.method == "electronic"
    assert set(application.tasks.values_list("status", flat=True)) == {"approved"}
    fire_events = [r.json["event"] for r in systems["fire"][1].requests]
    assert "correction.answered" in fire_events
    for _, receiver in systems.values():
        assert len(receiver.processed) == len(set(receiver.event_ids))  # each processed once
    assert verify_application(application) == []
