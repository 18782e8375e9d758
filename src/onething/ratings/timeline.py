"""The words for the rating events on an application's timeline (to merge into
``onething.cases.timeline.PLAIN``), and which of them the applicant did (shown as “您”)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PLAIN = {
    "rating_submitted": _("您已评价"),
    "rating_resubmitted": _("整改回访后，您已重新评价"),
    "rectification_opened": _("差评已转交部门限期整改"),
    "rectification_replied": _("部门已作出整改答复"),
    "rectification_visited": _("部门已回访，整改办结"),
    "rectification_appealed": _("部门对评价提出申诉复核"),
    "rectification_appeal_decided": _("申诉复核已作出决定"),
    "rating_refused": _("评价未被受理"),
    "rectification_refused": _("整改操作未被受理"),
}
# the same events as staff read them: said of the applicant, not to them
FOR_STAFF = {
    "rating_submitted": _("申请人已评价"),
    "rating_resubmitted": _("整改回访后，申请人已重新评价"),
}
BY_APPLICANT = frozenset({"rating_submitted", "rating_resubmitted", "rating_refused"})
