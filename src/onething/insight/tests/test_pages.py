"""Supervisors' pages and the summary API through the test client."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from onething.accounts.services import token_issue
from onething.cases.tests.factories import PNG
from onething.insight.models import Assessment, AssessmentEvidence, StandaloneVolume
from onething.insight.tests.conftest import NEWBORN, NEWBORN_JN

SHEET = reverse("insight:assessment", args=[NEWBORN, "2026Q1"])


@pytest.fixture
def signed_in(client, user):
    def sign_in(name):
        client.force_login(user(name))
        return client

    return sign_in


def test_the_dashboard_shows_the_figures_and_chart_data(quarter, signed_in):
    page = signed_in("supervisor").get(reverse("insight:dashboard"), {"period": "2026Q1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "江宁" not in body  # 句容市's supervisor: nothing of 江宁区
    assert "新生儿出生" in body and "2026年第一季度" in body
    assert "33.3%" in body  # correction rate 1/3
    assert "本期尚未录入单独办理办件量" in body
    charts = json.loads(re.search(r'id="insight-charts"[^>]*>(.*?)</script>', body, re.S)[1])
    ids = [c["id"] for c in charts["charts"]]
    assert ids == [
        "chart-one-thing",
        "chart-channel",
        "chart-trend",
        "chart-department",
        "chart-share",
    ]
    assert charts["charts"][0]["series"][0]["data"] == [3]
    # no inline executable script: CSP script-src 'self'
    for tag in re.findall(r"<script[^>]*>", body):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_the_dashboard_filters_and_refuses_others(quarter, signed_in):
    client = signed_in("supervisor")
    page = client.get(reverse("insight:dashboard"), {"period": "2026Q1", "channel": "window"})
    assert page.context["total"].volume == 1
    assert client.get(reverse("insight:dashboard"), {"period": "2026Q9"}).status_code == 400
    for name in ("approver", "clerk", "zhangsan"):
        assert signed_in(name).get(reverse("insight:dashboard")).status_code == 403


def test_the_dashboard_query_count_is_fixed(quarter, signed_in, django_assert_max_num_queries):
    client = signed_in("supervisor")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("insight:dashboard"), {"period": "2026Q1"}).status_code == 200


def test_the_summary_api_with_a_token_or_the_session(quarter, client, user, signed_in):
    _, secret = token_issue(user=user("supervisor"), name="dashboards")
    url = reverse("api:insight_summary")
    response = client.get(url, {"period": "2026Q1"}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    data = response.json()
    assert data["period"]["code"] == "2026Q1"
    assert data["total"]["volume"] == 3 and data["total"]["average_days"] == 10.0
    assert data["total"]["correction_rate"] == 33.3
    assert [row["label"] for row in data["by_one_thing"]] == ["新生儿出生"]
    assert data["total"]["share"] is None and data["standalone_recorded"] is False

    session = signed_in("admin").get(url, {"period": "2026Q1"})
    assert session.status_code == 200 and session.json()["total"]["volume"] == 4
    assert signed_in("coord").get(url).status_code == 403
    assert signed_in("supervisor").get(url, {"period": "nope"}).status_code == 400


def test_the_assessment_list_and_its_summary_workbook(quarter, signed_in):
    client = signed_in("supervisor")
    page = client.get(reverse("insight:assessments"), {"period": "2026Q1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "新生儿出生" in body and SHEET in body
    workbook = client.get(reverse("insight:assessments_xlsx"), {"period": "2026Q1"})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(workbook.content)).active["A1"].value.endswith("评价汇总表")


def test_the_sheet_is_saved_with_evidence(quarter, signed_in):
    client = signed_in("supervisor")
    page = client.get(SHEET)
    assert page.status_code == 200
    assert "按数据计算" in page.content.decode()

    # a score out of range is refused and the form keeps what was typed
    refused = client.post(SHEET, {"offline_score": "12", "offline_note": "专窗"})
    assert refused.status_code == 400
    assert "线下专窗" in refused.content.decode() and 'value="12"' in refused.content.decode()
    assert not Assessment.objects.exists()

    saved = client.post(
        SHEET,
        {
            "offline_score": "9",
            "publicity_score": "12",
            "cooperation_score": "",
            "offline_note": "专窗",
        },
    )
    assert saved.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.offline_score == 9 and assessment.cooperation_score is None

    upload = io.BytesIO(PNG)
    upload.name = "专窗照片.png"
    sent = client.post(
        reverse("insight:evidence_upload", args=[NEWBORN, "2026Q1"]),
        {"criterion": "offline", "file": upload},
    )
    assert sent.status_code == 302 and sent["Location"].endswith("#criterion-offline")
    evidence = AssessmentEvidence.objects.get()
    shown = client.get(reverse("insight:evidence_file", args=[NEWBORN, "2026Q1", evidence.pk]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    assert "专窗照片.png" in client.get(SHEET).content.decode()

    deleted = client.post(reverse("insight:evidence_delete", args=[NEWBORN, "2026Q1", evidence.pk]))
    assert deleted.status_code == 302 and not AssessmentEvidence.objects.exists()


def test_exports_download(quarter, signed_in):
    client = signed_in("supervisor")
    xlsx = client.get(reverse("insight:assessment_xlsx", args=[NEWBORN, "2026Q1"]))
    assert xlsx.status_code == 200 and "filename*=UTF-8''" in xlsx["Content-Disposition"]
    pdf = client.get(reverse("insight:assessment_pdf", args=[NEWBORN, "2026Q1"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_sheets_outside_the_region_or_period_are_refused(quarter, signed_in):
    client = signed_in("supervisor")
    assert client.get(reverse("insight:assessment", args=[NEWBORN_JN, "2026Q1"])).status_code == 404
    assert client.get(reverse("insight:assessment", args=[NEWBORN, "2026"])).status_code == 400
    assert signed_in("coord").get(SHEET).status_code == 403


def test_volumes_page_records_and_imports(demo, signed_in):
    client = signed_in("editor")
    page = client.get(reverse("insight:volumes"))
    assert page.status_code == 200
    posted = client.post(
        reverse("insight:volumes"),
        {"item_code": "002007118001", "region_code": "321183", "period": "2026Q1", "count": "40"},
    )
    assert posted.status_code == 302
    assert StandaloneVolume.objects.get().count == 40
    template = client.get(reverse("insight:volumes_template"))
    workbook = io.BytesIO(template.content)
    workbook.name = "模板.xlsx"
    imported = client.post(reverse("insight:volumes_import"), {"workbook": workbook})
    assert imported.status_code == 302
    assert StandaloneVolume.objects.get().count == 120  # the template's example row
    bad = client.post(
        reverse("insight:volumes"),
        {"item_code": "NOPE", "region_code": "321183", "period": "2026Q1", "count": "1"},
    )
    assert bad.status_code == 400 and "NOPE" in bad.content.decode()
    assert signed_in("approver").get(reverse("insight:volumes")).status_code == 403
