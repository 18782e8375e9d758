"""新生儿出生 end to end through the API, as the issue on shared data and e-certificates asks:

prefill from the population register and the hospital's birth record (with provenance) → one
submission that keeps the register's values → the data tracker lists every read under the
application → an objection to a registered value is raised and corrected by the providing
department, and the corrected value flows back into the application → every task decided →
every result in the wallet as a verifiable, signed e-certificate → a second application for the
remaining items is not asked for them again (两个免于提交)."""

from __future__ import annotations

import base64

import pytest

from onething.accounts.models import StaffRole
from onething.accounts.services import token_issue
from onething.audit.chain import verify_application
from onething.cases.models import Application
from onething.cases.tests.factories import PDF, valid_form
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.datahub.demo import load_datahub_demo

NEWBORN = "JS-2022-07"
FIRST = [
    "出生医学证明首次签发",
    "婚姻登记信息核验",
    "出生登记",
    "城乡居民参保登记",
    "城乡居民基本医疗保险费缴纳",
]
SECOND = ["预防接种证办理", "社会保障卡申领"]
RESULTS = {"出生医学证明", "居民户口簿", "医保参保凭证"}
# what the second application's items ask for, held in the wallet since the first
REUSED = {"出生医学证明", "居民身份证或居民户口簿"}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client, django_capture_on_commit_callbacks):
    def call(method, path, headers, body=None, expect=300):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(client, method)(
                path, body, content_type="application/json", headers=headers
            )
        assert response.status_code < expect, (path, response.status_code, response.content)
        return response

    return call


def codes(names: list[str]) -> list[str]:
    items = version_current(NEWBORN).snapshot["items"]
    return [next(i["code"] for i in items if i["name"] == name) for name in names]


def files(materials) -> list[dict[str, str]]:
    return [
        {
            "material": m["name"],
            "filename": "scan.pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        }
        for m in materials
        if m["required"] and not m["exempt"]
    ]


def test_newborn_end_to_end_through_the_api(api, demo, user, make_staff):
    load_datahub_demo()
    _, secret = token_issue(user=user("zhangsan"), name="app")
    me = bearer(secret)

    # 1. prefill: every shared value with its registry and time, sealed for the submission
    items = codes(FIRST)
    prefilled = api("post", f"/api/v1/data/prefill/{NEWBORN}", me, {"items": items}).json()
    fields = {f["element"]: f for f in prefilled["fields"]}
    assert fields["mother_name"]["value"] == "刘芳"
    assert fields["mother_name"]["source"] == "人口库（句容市公安局）"
    assert fields["mother_name"]["locked"] and fields["mother_name"]["fetched_at"]
    assert fields["child_birth_place"]["source"] == "出生医学证明信息（句容市卫生健康委员会）"
    assert not fields["child_birth_place"]["locked"]
    assert fields["applicant_phone"]["source"] == "申请人填写"

    # 2. one submission: the applicant types what no registry keeps, leaves the locked
    #    values out (the register fills them in) and cannot change them
    guide = api("post", f"/api/v1/one-things/{NEWBORN}/guide", {}, {"items": items}).json()
    typed = valid_form(compute_guide(version_current(NEWBORN).snapshot, chosen=items, start=None))
    form = {
        e: (f["value"] if f["from_provider"] else typed.get(e, ""))
        for e, f in fields.items()
        if not f["locked"]
    }
    body = {
        "one_thing": NEWBORN,
        "items": items,
        "form": form,
        "files": files(guide["materials"]),
        "prefill_token": prefilled["prefill_token"],
    }
    tampered = api(
        "post",
        "/api/v1/applications",
        {**me, "Idempotency-Key": "newborn-tampered"},
        {**body, "form": {**form, "mother_name": "王小红"}},
        expect=500,
    )
    assert tampered.status_code == 400
    assert tampered.json()["code"] == "prefilled_value_locked"
    assert tampered.json()["details"]["problems"][0]["field"] == "mother_name"
    created = api("post", "/api/v1/applications", {**me, "Idempotency-Key": "newborn-1"}, body)
    assert created.status_code == 201
    number = created.json()["number"]

    # 3. provenance on the application, and every read in the tracker under it
    sources = {
        s["element"]: s
        for s in api("get", f"/api/v1/data/applications/{number}/sources", me).json()
    }
    assert sources["mother_name"]["value"] == "刘芳"
    assert sources["mother_name"]["source"] == "人口库（句容市公安局）"
    assert sources["child_birth_weight"]["provider"] == "birth_record"
    assert sources["applicant_phone"]["source"] == "申请人填写"
    # numbers masked in the API as on the pages
    assert sources["applicant_phone"]["value"] == "138****5678"
    assert sources["mother_id_number"]["value"].count("*") == 10
    reads = api("get", "/api/v1/data/access-log", me).json()
    assert {r["provider"] for r in reads} >= {"population", "birth_record"}
    assert all(r["application"] == number for r in reads)
    assert all(r["outcome"] == "ok" for r in reads)

    # 4. an objection to a registered value, corrected by the providing department
    objection = api(
        "post",
        "/api/v1/data/objections",
        me,
        {
            "application": number,
            "element": "mother_name",
            "proposed_value": "刘芳菲",
            "reason": "母亲已于2025年依法变更姓名，人口库尚未更新。",
            "evidence": {
                "filename": "改名证明.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            },
        },
    ).json()
    assert objection["status"] == "open" and objection["department"] == "句容市公安局"
    police = make_staff("321183", "police", StaffRole.APPROVER)
    _, police_secret = token_issue(user=police, name="police")
    listed = api("get", "/api/v1/data/objections?status=open", bearer(police_secret)).json()
    assert [o["id"] for o in listed] == [objection["id"]]
    resolved = api(
        "post",
        f"/api/v1/data/objections/{objection['id']}/resolve",
        bearer(police_secret),
        {"corrected": True, "response": "已核实，人口库已更正。"},
    ).json()
    assert resolved["status"] == "corrected"
    sources = {
        s["element"]: s
        for s in api("get", f"/api/v1/data/applications/{number}/sources", me).json()
    }
    assert sources["mother_name"]["value"] == "刘芳菲"  # 数据回流 into the application
    assert "数据异议" in sources["mother_name"]["note"]
    timeline = api("get", f"/api/v1/applications/{number}", me).json()["timeline"]
    assert any("刘芳" not in e["reason"] and "母亲姓名" in e["reason"] for e in timeline)

    # 5. the lead department accepts; each department decides its task through the API
    coordinator = make_staff("321183", "health", StaffRole.COORDINATOR)
    _, lead_secret = token_issue(user=coordinator, name="lead")
    api("post", f"/api/v1/applications/{number}/accept", bearer(lead_secret))
    application = Application.objects.get(number=number)
    secrets = {}
    for _round in range(5):
        pending = list(application.tasks.filter(status="released").select_related("department"))
        if not pending:
            break
        for task in pending:
            kind = task.department.kind.code
            if kind not in secrets:
                approver = make_staff(task.department.region.code, kind, StaffRole.APPROVER)
                secrets[kind] = bearer(token_issue(user=approver, name=kind)[1])
            claimed = api("post", f"/api/v1/tasks/{task.pk}/claim", secrets[kind]).json()
            api(
                "post",
                f"/api/v1/tasks/{task.pk}/decision",
                secrets[kind],
                {"decision": "approve", "opinion": "符合条件", "revision": claimed["revision"]},
            )
    application.refresh_from_db()
    assert set(application.tasks.values_list("status", flat=True)) == {"approved"}
    assert application.status == "delivered"  # electronic: straight to the wallet
    assert verify_application(application) == []

    # 6. every result in the wallet, signed and verifiable, with the corrected value
    wallet = api("get", "/api/v1/certificates/mine", me).json()
    mine = {c["type_name"]: c for c in wallet}
    assert set(mine) >= RESULTS
    for name in RESULTS:
        verified = api("get", f"/api/v1/certificates/{mine[name]['number']}/verify", {}).json()
        assert verified["status"] == "valid", verified
    birth_items = dict(map(tuple, mine["出生医学证明"]["items"]))
    assert birth_items.get("母亲姓名") == "刘芳菲"

    # 7. the second application: what the wallet holds is not asked for again
    second_items = codes(SECOND)
    second_guide = api(
        "post",
        f"/api/v1/one-things/{NEWBORN}/guide",
        {},
        {"items": second_items, "held_results": sorted(mine)},
    ).json()
    materials = {m["name"]: m for m in second_guide["materials"]}
    for name in REUSED:
        assert materials[name]["exempt"] and "卡包" in materials[name]["exempt_reason"]
    second_fill = api("post", f"/api/v1/data/prefill/{NEWBORN}", me, {"items": second_items}).json()
    shared = {f["element"]: f for f in second_fill["fields"] if f["from_provider"]}
    assert shared and all(f["fetched_at"] for f in shared.values())  # shared data: no typing
    second_typed = valid_form(
        compute_guide(
            version_current(NEWBORN).snapshot,
            chosen=second_items,
            held_results=sorted(mine),
            start=None,
        )
    )
    second_form = {
        f["element"]: f["value"] if f["from_provider"] else second_typed.get(f["element"], "")
        for f in second_fill["fields"]
    }
    uploads = files(second_guide["materials"])
    assert not {u["material"] for u in uploads} & REUSED
    second = api(
        "post",
        "/api/v1/applications",
        {**me, "Idempotency-Key": "newborn-2"},
        {
            "one_thing": NEWBORN,
            "items": second_items,
            "form": second_form,
            "files": uploads,
            "prefill_token": second_fill["prefill_token"],
        },
    )
    assert second.status_code == 201
    assert sorted(Application.objects.get(number=second.json()["number"]).chosen_items) == sorted(
        second_items
    )
