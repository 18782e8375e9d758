"""The words for the rating events on an application's timeline (to merge into
``onething.cases.timeline.PLAIN``), and which of them the applicant did (shown as “您”)."""

from __future__ import annotations

PLAIN = {
    "rating_submitted": "您已评价",
    "rating_resubmitted": "整改回访后，您已重新评价",
    "rectification_opened": "差评已转交部门限期整改",
    "rectification_replied": "部门已作出整改答复",
    "rectification_visited": "部门已回访，整改办结",
    "rectification_appealed": "部门对评价提出申诉复核",
    "rectification_appeal_decided": "申诉复核已作出决定",
}
BY_APPLICANT = frozenset({"rating_submitted", "rating_resubmitted"})
