"""The permission matrix: every page and every API operation, a real URL for it, and the demo
users who may use it (``test_permissions`` checks it; ``test_privacy`` reads every page it opens).

``build_world`` makes the objects once per test, through the services, the way they come about:

- applications of 新生儿出生 in 句容市 by 张三: one only submitted (no task yet), one accepted
  (tasks at 句容市卫健委, 公安局, 人社局 …; a joint inspection scheduled), one with an open
  correction notice, one decided (certificates issued, results kept at the window, rated badly
  three times, so three rectifications);
- 李思's application of the 江宁区 copy, accepted there: tasks of 江宁区公安局;
- 陈帮办's application for 赵奶奶 (a person without an account) and 王武's for his restaurant,
  each with an open correction notice; 王武's restaurant accepted, its 告知承诺 item approved and
  awaiting its follow-up check;
- tickets: a call about 张三's case routed to 句容市公安局, 张三's and 李思's web messages;
- 张三's data objection (with a scan) to 句容市公安局, assessment evidence, a webhook
  subscription of 句容市公安局's own system.

Users are the demo users (README, "Demo sign-ins") plus ``anonymous``; the API matrix also calls
as ``system`` (句容市公安局's business system, a department token).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import Enterprise, Person, User
from onething.accounts.services import department_system_token_create, token_issue
from onething.cases.commitments import inspection_schedule
from onething.cases.models import Application, Correction, Inspection, Task, Verification
from onething.cases.services import (
    application_accept,
    application_submit,
    correction_issue,
    task_decide,
)
from onething.cases.tests.factories import PDF, submission
from onething.cases.workflow import TaskState
from onething.catalog.guide import compute_guide
from onething.catalog.models import OneThing
from onething.catalog.publishing import (
    one_thing_copy_to_region,
    one_thing_publish,
    one_thing_submit_for_review,
)
from onething.catalog.selectors import version_current
from onething.certificates.models import Certificate
from onething.conftest import department
from onething.datahub.demo import load_datahub_demo
from onething.datahub.models import DataObjection
from onething.datahub.services import objection_raise, prefill, provenance_record
from onething.hotline.models import Ticket
from onething.hotline.services import ticket_create, ticket_route
from onething.insight.models import AssessmentEvidence, Criterion
from onething.insight.periods import current_quarter
from onething.insight.services import evidence_add
from onething.notify.models import Message
from onething.org.models import Region
from onething.ratings.models import Rating, Rectification
from onething.ratings.services import rating_submit, rectification_appeal, rectification_reply
from onething.webhooks.models import Subscription
from onething.webhooks.services import subscription_create

NEWBORN = "JS-2022-07"
RESTAURANT = "JS-2022-02"
JIANGNING = "320115"
NEWBORN_JN = f"{NEWBORN}@{JIANGNING}"

APPLICANTS = ("zhangsan", "lisi", "wangwu", "bangban")
STAFF = (
    "clerk",
    "coord",
    "approver",
    "approver_hrss",
    "approver_jn",
    "hotline",
    "editor",
    "supervisor",
    "admin",
)
DEMO_USERS = APPLICANTS + STAFF
ANONYMOUS = "anonymous"
SYSTEM = "system"  # 句容市公安局's business system (API only)
EVERYONE = frozenset((*DEMO_USERS, ANONYMOUS))
SIGNED_IN = frozenset(DEMO_USERS)
STAFF_ALL = frozenset(STAFF)


def only(*names: str) -> frozenset[str]:
    return frozenset(names)


# ---------------------------------------------------------------- the objects


@dataclass
class World:
    users: dict[str, User]
    submitted: Application  # 张三, 句容市, submitted only: no task for any department yet
    accepted: Application  # 张三, 句容市, accepted: tasks of 句容市 departments
    correcting: Application  # 张三, 句容市, an open correction notice
    decided: Application  # 张三, 句容市, every task approved; results at the window
    jiangning: Application  # 李思, 江宁区 copy, accepted: tasks of 江宁区 departments
    for_granny: Application  # 陈帮办 for 赵奶奶 (no account), an open correction notice
    firm: Application  # 王武 for his restaurant, an open correction notice
    restaurant: Application  # 王武's restaurant, accepted; 食品经营许可 awaits its check
    task_health: Task  # of ``accepted``, 句容市卫健委, released
    task_police: Task  # of ``accepted``, 句容市公安局
    task_police_jn: Task  # of ``jiangning``, 江宁区公安局
    task_rated: Task  # of ``decided``, still unrated (for rating it)
    verification: Verification
    inspection: Inspection
    certificate: Certificate  # 张三's, from ``decided``
    pickup_code: str
    material_id: int  # an uploaded file of ``accepted``
    objectable: str  # a value of ``accepted`` that came from shared data (张三 may object)
    rect_open: Rectification  # 句容市卫健委, open
    rect_replied: Rectification  # 句容市卫健委, replied (a return visit is due)
    rect_appealed: Rectification  # 句容市公安局, appealed (a supervisor decides)
    ticket_call: Ticket  # a call about ``accepted``, routed to 句容市公安局
    ticket_zhangsan: Ticket  # 张三's web message
    ticket_lisi: Ticket  # 李思's web message (江宁区)
    objection: DataObjection  # 张三's, to 句容市公安局, with a scan
    evidence: AssessmentEvidence  # 新生儿出生 (句容市), this quarter
    evidence_spare: AssessmentEvidence  # another, to delete (files are not rolled back)
    subscription: Subscription  # 句容市公安局's system
    period: str
    tokens: dict[str, str] = field(default_factory=dict)  # caller → bearer secret

    def correction_of(self, application: Application) -> Correction:
        """The application's (one) correction notice."""
        found = application.corrections.order_by("pk").first()
        assert found is not None, f"{application.number} has no correction notice"
        return found

    @property
    def numbers(self) -> dict[str, str]:
        """Every application's number by its name here."""
        names = ("submitted", "accepted", "correcting", "decided", "jiangning")
        extra = ("for_granny", "firm", "restaurant")
        return {n: str(getattr(self, n).number) for n in (*names, *extra)}


def _guide(code: str) -> Any:
    return compute_guide(version_current(code).snapshot, start=timezone.localdate())


def _submit(
    actor: User, code: str = NEWBORN, *, delivery: str = "electronic", **kwargs: Any
) -> Application:
    made = submission(_guide(code), code, delivery=delivery)
    return application_submit(actor=actor, submission=made, **kwargs)


def _fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def _decide_all(application: Application, coord: User, admin: User) -> None:
    for _ in range(30):
        task = (
            application.tasks.filter(status__in=[TaskState.RELEASED, TaskState.CLAIMED])
            .order_by("pk")
            .first()
        )
        if task is None:
            return
        actor = coord if task.department.name == "句容市卫生健康委员会" else admin
        task_decide(task=task, actor=actor, decision="approve", opinion="")


def _publish_jiangning_copy() -> OneThing:
    copy = one_thing_copy_to_region(
        one_thing=OneThing.objects.get(code=NEWBORN),
        region=Region.objects.get(code=JIANGNING),
        actor=None,
    )
    one_thing_submit_for_review(one_thing=copy, actor=None)
    one_thing_publish(one_thing=copy, actor=None)
    return copy


def _field_correction(application: Application, actor: User) -> None:
    correction_issue(
        application=application,
        actor=actor,
        deficiencies=[{"kind": "field", "target": "child_name", "item": "", "reason": "有错别字"}],
    )


def build_world() -> World:
    load_demo()
    load_datahub_demo()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    zhangsan, lisi, wangwu, bangban = (users[n] for n in APPLICANTS)
    clerk, coord, approver, supervisor, admin = (
        users[n] for n in ("clerk", "coord", "approver", "supervisor", "admin")
    )

    submitted = _submit(zhangsan)

    accepted = _submit(zhangsan)
    application_accept(application=accepted, actor=coord)
    accepted = _fresh(accepted)

    correcting = _submit(zhangsan)
    _field_correction(correcting, clerk)

    decided = _submit(zhangsan, delivery="window")  # results kept for pickup at the window
    application_accept(application=decided, actor=coord)
    _decide_all(_fresh(decided), coord, admin)
    decided = _fresh(decided)

    _publish_jiangning_copy()
    jiangning = _submit(lisi, NEWBORN_JN)
    application_accept(application=jiangning, actor=admin)
    jiangning = _fresh(jiangning)

    granny = Person.objects.get(name="赵奶奶")
    for_granny = _submit(bangban, on_behalf_of=granny)
    _field_correction(for_granny, clerk)

    firm_enterprise = Enterprise.objects.get(name="句容市味之源餐饮有限公司")
    firm = _submit(wangwu, RESTAURANT, enterprise=firm_enterprise)
    _field_correction(firm, clerk)

    restaurant = _submit(wangwu, RESTAURANT, enterprise=firm_enterprise)
    application_accept(application=restaurant, actor=admin)
    licence = restaurant.tasks.get(item_name="企业设立登记")
    task_decide(task=licence, actor=admin, decision="approve", opinion="")
    food = restaurant.tasks.get(item_name="食品经营许可")
    task_decide(task=food, actor=admin, decision="approve", opinion="依承诺准予")
    verification = Verification.objects.get(task=food)

    health, police = department("321183", "health"), department("321183", "police")
    inspection = inspection_schedule(
        application=accepted,
        actor=coord,
        at=timezone.now() + dt.timedelta(days=3),
        place="句容市华阳街道",
        departments=[health, police],
    )

    # ratings: the application badly (→ 卫健委), two tasks badly (卫健委, 公安局)
    decided_tasks = {t.department.name: t for t in decided.tasks.select_related("department")}
    rect_open = _rate_badly(zhangsan, application=decided)
    rect_replied = _rate_badly(zhangsan, task=decided_tasks["句容市卫生健康委员会"])
    rectification_reply(rectification=rect_replied, actor=coord, reply="已整改，向您致歉。")
    rect_appealed = _rate_badly(zhangsan, task=decided_tasks["句容市公安局"])
    rectification_appeal(rectification=rect_appealed, actor=approver, reason="评价与事实不符")
    rated = set(Rating.objects.filter(task__isnull=False).values_list("task_id", flat=True))
    task_rated = next(t for t in decided.tasks.all() if t.pk not in rated)

    pickup = Message.objects.filter(kind="application.delivery", body__contains=str(decided.number))
    match = re.search(r"取件码 (\d{6})", pickup.latest("pk").body)
    assert match is not None

    ticket_call = ticket_create(
        actor=users["hotline"],
        type=Ticket.Type.COMPLAINT,
        content="出生证明一直没拿到",
        caller_name="王女士",
        caller_phone="13912340000",
        application_number=str(accepted.number),
    )
    ticket_route(ticket=ticket_call, actor=users["hotline"], department=police)
    ticket_zhangsan = ticket_create(
        actor=zhangsan, type=Ticket.Type.CONSULTATION, content="要带什么"
    )
    ticket_lisi = ticket_create(
        actor=lisi,
        type=Ticket.Type.INQUIRY,
        content="办到哪一步了",
        application_number=str(jiangning.number),
    )

    filled = prefill(
        form_fields=_guide(NEWBORN).form,
        subject=zhangsan.person,
        requesting_department=health,
        purpose="办理“新生儿出生”：预填申请表",
        actor=zhangsan,
    )
    objection = objection_raise(
        actor=zhangsan,
        applicant=zhangsan.person,
        element="applicant_household_address",
        label="落户地址",
        prefilled=filled["applicant_household_address"],
        proposed_value="江苏省句容市华阳街道华阳南路18号3幢2单元302室",
        reason="门牌号登记错了",
        evidence=SimpleUploadedFile("房产证.pdf", PDF, content_type="application/pdf"),
    )
    # where the accepted application's values came from: 张三 may object to one of them
    provenance_record(application=accepted, sources=filled, filled=filled)
    form = accepted.form_data
    objectable = next(
        e
        for e, p in filled.items()
        if p.from_provider and e != "applicant_household_address" and f'"{e}"' in form
    )

    period = current_quarter()
    evidence, evidence_spare = (
        evidence_add(
            one_thing=OneThing.objects.get(code=NEWBORN),
            period=period,
            criterion=Criterion.values[0],
            filename=name,
            data=PDF,
            actor=supervisor,
        )
        for name in ("佐证.pdf", "佐证（备用）.pdf")
    )
    subscription, _secret = subscription_create(
        department=police, url="http://127.0.0.1:9/callback", events=["task.released"]
    )

    tokens = {name: token_issue(user=user, name="matrix")[1] for name, user in users.items()}
    tokens[SYSTEM] = department_system_token_create(department=police, name="matrix")[1]

    return World(
        users=users,
        submitted=_fresh(submitted),
        accepted=accepted,
        correcting=_fresh(correcting),
        decided=decided,
        jiangning=jiangning,
        for_granny=_fresh(for_granny),
        firm=_fresh(firm),
        restaurant=_fresh(restaurant),
        task_health=accepted.tasks.filter(department=health, status=TaskState.RELEASED).first()
        or _none("released 卫健委 task"),
        task_police=accepted.tasks.filter(department=police).first() or _none("police task"),
        task_police_jn=jiangning.tasks.filter(department=department(JIANGNING, "police")).first()
        or _none("江宁区 police task"),
        task_rated=task_rated,
        verification=verification,
        inspection=inspection,
        certificate=Certificate.objects.filter(application=decided).order_by("pk").first()
        or _none("certificate"),
        pickup_code=match.group(1),
        material_id=accepted.materials.exclude(file="").values_list("pk", flat=True)[0],
        rect_open=rect_open,
        rect_replied=rect_replied,
        rect_appealed=rect_appealed,
        ticket_call=ticket_call,
        ticket_zhangsan=ticket_zhangsan,
        ticket_lisi=ticket_lisi,
        objection=objection,
        objectable=objectable,
        evidence=evidence,
        evidence_spare=evidence_spare,
        subscription=subscription,
        period=period.code,
        tokens=tokens,
    )


def _none(what: str) -> Any:
    raise AssertionError(f"the world has no {what}")


def _rate_badly(actor: User, **target: Any) -> Rectification:
    rating = rating_submit(
        actor=actor, level=1, tags=[], comment="等了很久", channel="web", **target
    )
    return Rectification.objects.get(rating=rating)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def pin_clock(monkeypatch: Any) -> None:
    """'Today' is Monday 2 March 2026, a working day inside the known calendar, so every
    deadline is a date (as in the other apps' tests)."""
    fixed = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: fixed.date())


def current(obj: Any, name: str = "status") -> Any:
    """A column of ``obj`` as the database has it now."""
    return type(obj).objects.filter(pk=obj.pk).values_list(name, flat=True).first()


# ---------------------------------------------------------------- who sees which application

SEES: dict[str, frozenset[str]] = {
    # 句容市 cases: the applicant, the window and the supervisor of the region, the hotline
    # (region), the lead department (卫健委: coord); once accepted, the departments with a task
    "submitted": only("zhangsan", "clerk", "coord", "hotline", "supervisor", "admin"),
    "correcting": only("zhangsan", "clerk", "coord", "hotline", "supervisor", "admin"),
    "accepted": only(
        "zhangsan", "clerk", "coord", "approver", "approver_hrss", "hotline", "supervisor", "admin"
    )
    | {SYSTEM},
    "decided": only(
        "zhangsan", "clerk", "coord", "approver", "approver_hrss", "hotline", "supervisor", "admin"
    )
    | {SYSTEM},
    # 江宁区: nobody of 句容市
    "jiangning": only("lisi", "approver_jn", "admin"),
    "for_granny": only("bangban", "clerk", "coord", "hotline", "supervisor", "admin"),
    # 开办餐饮店 is led by 句容市行政审批局, where no demo user works
    "firm": only("wangwu", "clerk", "hotline", "supervisor", "admin"),
    "restaurant": only("wangwu", "clerk", "hotline", "supervisor", "admin"),
}
TICKET_SEES: dict[str, frozenset[str]] = {
    "ticket_call": only("hotline", "supervisor", "approver", "admin", SYSTEM),  # to 公安局
    "ticket_zhangsan": only("zhangsan", "hotline", "supervisor", "admin"),
    "ticket_lisi": only("lisi", "admin"),  # 江宁区
}


def staff_of(names: frozenset[str]) -> frozenset[str]:
    return names - frozenset(APPLICANTS) - {SYSTEM}


def hidden_from(world: World, user: str) -> list[str]:
    """Application and ticket numbers ``user`` may not see: no answer of theirs may show one."""
    numbers = world.numbers
    hidden = [numbers[name] for name, who in SEES.items() if user not in who]
    tickets = [str(getattr(world, name).number) for name, who in TICKET_SEES.items()]
    return hidden + [
        t for t, who in zip(tickets, TICKET_SEES.values(), strict=True) if user not in who
    ]


# ---------------------------------------------------------------- pages

Builder = Callable[[World], str]
Response = Any  # what the test client answers (an HttpResponse with the client's extras)
Body = Callable[[World], Mapping[str, Any]]
Effect = Callable[[World], Any]


@dataclass(frozen=True)
class Page:
    """One page (URL name) opened one way. ``allowed`` get ``ok`` (and the ``effect``, if any,
    happens); ``refused`` see the object but are turned back with a message (``refused_status``,
    nothing happens); everyone else gets 403 or 404, or the sign-in page when anonymous."""

    name: str
    url: Builder
    allowed: frozenset[str]
    method: str = "get"
    data: Body | None = None
    ok: frozenset[int] = frozenset({200})
    refused: frozenset[str] = frozenset()
    refused_status: frozenset[int] = frozenset({302})
    effect: Effect | None = None
    label: str = ""
    signs_out: bool = False

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.name}" + (f" [{self.label}]" if self.label else "")


def _post(**kw: Any) -> dict[str, Any]:
    return {"method": "post", "ok": frozenset({302}), **kw}


def get(name: str, url: Builder, allowed: frozenset[str], **kw: Any) -> Page:
    return Page(name, url, allowed, **kw)


def post(name: str, url: Builder, allowed: frozenset[str], data: Body, **kw: Any) -> Page:
    return Page(name, url, allowed, data=data, **_post(**kw))


def r(name: str, *args: Any, query: str = "") -> str:
    from django.urls import reverse

    return reverse(name, args=[str(a) for a in args]) + (f"?{query}" if query else "")


def of_case(route: str, name: str) -> Builder:
    """The page ``route`` of the world's application ``name``."""
    return lambda w: r(route, w.numbers[name])


def api_case(path: str, name: str) -> Builder:
    """``path`` with the number (and correction notice) of the world's application ``name``."""

    def url(w: World) -> str:
        application = getattr(w, name)
        notice = application.corrections.order_by("pk").first()
        return path.format(number=application.number, correction=notice.pk if notice else 0)

    return url


def notice_status(name: str) -> Effect:
    return lambda w: current(w.correction_of(getattr(w, name)))


PERSONS = only(*APPLICANTS)  # the demo users with a verified identity
INBOX = only("coord", "approver", "approver_hrss", "approver_jn", "admin")  # approver role
NOTICE = "acceptance"


def _file(name: str = "佐证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


PAGES: list[Page] = [
    # ------------------------------------------------------------ public
    get("catalog:home", lambda w: r("catalog:home"), EVERYONE),
    get("catalog:search", lambda w: r("catalog:search", query="q=出生"), EVERYONE),
    get("catalog:metrics", lambda w: r("catalog:metrics"), EVERYONE),
    get("catalog:one_thing", lambda w: r("catalog:one_thing", NEWBORN), EVERYONE),
    get("catalog:guide_pdf", lambda w: r("catalog:guide_pdf", NEWBORN), EVERYONE),
    get("catalog:preview", lambda w: r("catalog:preview", NEWBORN), only("editor", "admin")),
    get(
        "catalog:preview",
        lambda w: r("catalog:preview", NEWBORN_JN),
        only("editor", "admin"),  # editors keep every region's catalog (as in the admin)
        label="江宁区 copy",
    ),
    get("accounts:login", lambda w: r("accounts:login"), EVERYONE, ok=frozenset({200, 302})),
    post("accounts:logout", lambda w: r("accounts:logout"), EVERYONE, lambda w: {}, signs_out=True),
    get("certificates:verify", lambda w: r("certificates:verify"), EVERYONE),
    get(
        "certificates:verify_number",
        lambda w: r("certificates:verify_number", w.certificate.number),
        EVERYONE,
    ),
    get("ratings:stats", lambda w: r("ratings:stats"), EVERYONE),
    get("hotline:help", lambda w: r("hotline:help"), EVERYONE),
    get("healthz", lambda w: r("healthz"), EVERYONE),
    post(
        "set_language",
        lambda w: r("set_language"),
        EVERYONE,
        lambda w: {"language": "zh-hans", "next": "/"},
    ),
    # ------------------------------------------------------------ anyone signed in
    get("accounts:home", lambda w: r("accounts:home"), SIGNED_IN, ok=frozenset({302})),
    get("accounts:applicant_home", lambda w: r("accounts:applicant_home"), SIGNED_IN),
    get("cases:apply", lambda w: r("cases:apply", NEWBORN), SIGNED_IN),
    get("cases:my_applications", lambda w: r("cases:my_applications"), SIGNED_IN),
    get("certificates:wallet", lambda w: r("certificates:wallet"), SIGNED_IN),
    # ------------------------------------------------------------ an applicant's own
    *[
        get(
            "cases:application",
            of_case("cases:application", name),
            SEES[name],
            label=name,
        )
        for name in ("submitted", "accepted", "jiangning", "for_granny", "firm")
    ],
    *[
        post(
            "cases:correction_answer",
            of_case("cases:correction_answer", name),
            SEES[name] - staff_of(SEES[name]),
            lambda w: {"f.child_name": "张小宝"},
            refused=staff_of(SEES[name]),  # they see the case, but only the applicant answers
            effect=notice_status(name),
            label=name,
        )
        for name in ("correcting", "for_granny", "firm")
    ],
    get(
        "cases:withdraw",
        lambda w: r("cases:withdraw", w.submitted.number),
        only("zhangsan"),
        refused=staff_of(SEES["submitted"]),
    ),
    post(
        "cases:withdraw",
        lambda w: r("cases:withdraw", w.submitted.number),
        only("zhangsan"),
        lambda w: {"reason": "不办了"},
        effect=lambda w: current(w.submitted),
    ),
    post(
        "cases:data_objection",
        lambda w: r("cases:data_objection", w.accepted.number),
        only("zhangsan"),
        lambda w: {
            "element": w.objectable,
            "proposed_value": "张三丰",
            "reason": "登记错了",
        },
        effect=lambda w: DataObjection.objects.filter(application=w.accepted).count(),
    ),
    get(
        "cases:applicant_notice",
        lambda w: r("cases:applicant_notice", w.accepted.number, NOTICE),
        only("zhangsan"),
    ),
    get(
        "certificates:wallet_pdf",
        lambda w: r("certificates:wallet_pdf", w.certificate.number),
        only("zhangsan"),
    ),
    get("datahub:access_log", lambda w: r("datahub:access_log"), PERSONS),
    get("datahub:prefill_preview", lambda w: r("datahub:prefill_preview", NEWBORN), PERSONS),
    get(
        "datahub:objection_evidence",
        lambda w: r("datahub:objection_evidence", w.objection.pk),
        only("zhangsan", "approver", "supervisor", "admin"),
    ),
    get("ratings:rate", lambda w: r("ratings:rate", w.decided.number), only("zhangsan")),
    post(
        "ratings:rate",
        lambda w: r("ratings:rate", w.decided.number),
        only("zhangsan"),
        lambda w: {"target": f"task-{w.task_rated.pk}", "level": "5"},
        effect=lambda w: Rating.objects.filter(task=w.task_rated).count(),
    ),
    post(
        "hotline:help_ticket_create",
        lambda w: r("hotline:help_ticket_create"),
        PERSONS,
        lambda w: {"type": "consultation", "content": "孩子出生了要办什么"},
        refused=STAFF_ALL,  # staff record calls at the console
        refused_status=frozenset({400}),
        effect=lambda w: Ticket.objects.count(),
    ),
    get(
        "hotline:help_ticket",
        lambda w: r("hotline:help_ticket", w.ticket_zhangsan.number),
        only("zhangsan"),
    ),
    get(
        "hotline:help_ticket",
        lambda w: r("hotline:help_ticket", w.ticket_lisi.number),
        only("lisi"),
        label="李思's",
    ),
    # ------------------------------------------------------------ staff
    get("accounts:staff_home", lambda w: r("accounts:staff_home"), STAFF_ALL),
    get("accounts:otp_setup", lambda w: r("accounts:otp_setup"), STAFF_ALL),
    get("accounts:otp_verify", lambda w: r("accounts:otp_verify"), STAFF_ALL, ok=frozenset({302})),
    get(
        "cases:staff_queue",
        lambda w: r("cases:staff_queue", query="status=all"),
        only("clerk", "coord", "supervisor", "admin"),
    ),
    *[
        get(
            "cases:staff_case",
            of_case("cases:staff_case", name),
            staff_of(SEES[name]),
            label=name,
        )
        for name in ("submitted", "accepted", "jiangning", "firm")
    ],
    post(
        "cases:staff_case_accept",
        lambda w: r("cases:staff_case_accept", w.submitted.number),
        only("clerk", "coord", "admin"),
        lambda w: {},
        effect=lambda w: current(w.submitted),
    ),
    post(
        "cases:staff_case_refuse",
        lambda w: r("cases:staff_case_refuse", w.submitted.number),
        only("clerk", "coord", "admin"),
        lambda w: {"reason": "不属于本地受理范围"},
        effect=lambda w: current(w.submitted),
    ),
    post(
        "cases:staff_case_correction",
        lambda w: r("cases:staff_case_correction", w.submitted.number),
        only("clerk", "coord", "admin"),
        lambda w: {"what": "field:child_name", "item": "", "reason": "有错别字"},
        effect=lambda w: w.submitted.corrections.count(),
    ),
    get(
        "cases:staff_case_correction_row",
        lambda w: r("cases:staff_case_correction_row", w.submitted.number),
        staff_of(SEES["submitted"]),
    ),
    get(
        "cases:staff_material",
        lambda w: r("cases:staff_material", w.accepted.number, w.material_id),
        staff_of(SEES["accepted"]),
    ),
    get(
        "cases:staff_notice",
        lambda w: r("cases:staff_notice", w.accepted.number, NOTICE),
        staff_of(SEES["accepted"]),
    ),
    get("cases:staff_inbox", lambda w: r("cases:staff_inbox", query="status=all"), INBOX),
    get(
        "cases:staff_task",
        lambda w: r("cases:staff_task", w.task_police.pk),
        only("approver", "admin"),
    ),
    get(
        "cases:staff_task",
        lambda w: r("cases:staff_task", w.task_police_jn.pk),
        only("approver_jn", "admin"),
        label="江宁区公安局",
    ),
    get(
        "cases:staff_task",
        lambda w: r("cases:staff_task", w.task_health.pk),
        only("coord", "admin"),
        label="卫健委",
    ),
    post(
        "cases:staff_task",
        lambda w: r("cases:staff_task", w.task_health.pk),
        only("coord", "admin"),
        lambda w: {
            "decision": "approve",
            "opinion": "",
            "revision": str(current(w.task_health, "revision")),
        },
        effect=lambda w: current(w.task_health),
        label="卫健委 decides",
    ),
    get("certificates:pickup", lambda w: r("certificates:pickup"), only("clerk", "admin")),
    get(
        "certificates:pickup",
        lambda w: r("certificates:pickup", query=f"number={w.decided.number}"),
        only("clerk", "admin"),
        label="a case",
    ),
    post(
        "certificates:pickup",
        lambda w: r("certificates:pickup"),
        only("clerk", "admin"),
        lambda w: {
            "number": w.decided.number,
            "code": w.pickup_code,
            "id_number": w.users["zhangsan"].person.id_number,
        },
        effect=lambda w: current(w.decided.delivery_record),
    ),
    get("datahub:staff_objections", lambda w: r("datahub:staff_objections"), STAFF_ALL),
    post(
        "datahub:staff_objection_resolve",
        lambda w: r("datahub:staff_objection_resolve", w.objection.pk),
        only("approver", "admin"),  # the providing department: 句容市公安局
        lambda w: {"decision": "explained", "response": "经核实，登记无误。"},
        refused=only("supervisor"),  # sees the region's objections, answers none
        effect=lambda w: current(w.objection),
    ),
    get(
        "ratings:staff_list",
        lambda w: r("ratings:staff_list", query="status=all"),
        only("clerk", "coord", "approver", "approver_hrss", "approver_jn", "supervisor", "admin"),
    ),
    get("ratings:staff_appeals", lambda w: r("ratings:staff_appeals"), only("supervisor", "admin")),
    get(
        "ratings:staff_detail",
        lambda w: r("ratings:staff_detail", w.rect_open.pk),
        only("coord", "supervisor", "admin"),
    ),
    get(
        "ratings:staff_detail",
        lambda w: r("ratings:staff_detail", w.rect_appealed.pk),
        only("approver", "supervisor", "admin"),
        label="公安局",
    ),
    post(
        "ratings:staff_reply",
        lambda w: r("ratings:staff_reply", w.rect_open.pk),
        only("coord", "admin"),
        lambda w: {"reply": "已整改，向您致歉。"},
        effect=lambda w: current(w.rect_open),
    ),
    post(
        "ratings:staff_appeal",
        lambda w: r("ratings:staff_appeal", w.rect_open.pk),
        only("coord", "admin"),
        lambda w: {"reason": "评价与事实不符"},
        effect=lambda w: current(w.rect_open),
    ),
    post(
        "ratings:staff_visit",
        lambda w: r("ratings:staff_visit", w.rect_replied.pk),
        only("coord", "supervisor", "admin"),
        lambda w: {"verdict": "yes", "note": "满意"},
        effect=lambda w: current(w.rect_replied),
    ),
    post(
        "ratings:staff_decide",
        lambda w: r("ratings:staff_decide", w.rect_appealed.pk),
        only("supervisor", "admin"),
        lambda w: {"verdict": "upheld", "note": "申诉成立"},
        effect=lambda w: current(w.rect_appealed),
    ),
    get("hotline:console", lambda w: r("hotline:console"), only("hotline", "admin")),
    get("hotline:suggest", lambda w: r("hotline:suggest", query="q=出生"), STAFF_ALL),
    get(
        "hotline:department",
        lambda w: r("hotline:department", query="queue=all"),
        only("coord", "approver", "approver_hrss", "approver_jn", "admin"),
    ),
    get(
        "hotline:supervision",
        lambda w: r("hotline:supervision", query="queue=all"),
        only("supervisor", "admin"),
    ),
    get(
        "hotline:ticket",
        lambda w: r("hotline:ticket", w.ticket_call.number),
        TICKET_SEES["ticket_call"],
    ),
    get(
        "hotline:ticket",
        lambda w: r("hotline:ticket", w.ticket_zhangsan.number),
        TICKET_SEES["ticket_zhangsan"],
        ok=frozenset({200, 302}),  # 张三 is sent to his own page of it
        label="张三's",
    ),
    get(
        "hotline:ticket",
        lambda w: r("hotline:ticket", w.ticket_lisi.number),
        TICKET_SEES["ticket_lisi"],
        ok=frozenset({200, 302}),
        label="李思's",
    ),
    post(
        "hotline:ticket_action",
        lambda w: r("hotline:ticket_action", w.ticket_call.number, "claim"),
        only("approver", "admin"),
        lambda w: {},
        effect=lambda w: current(w.ticket_call),
    ),
    get("insight:dashboard", lambda w: r("insight:dashboard"), only("supervisor", "admin")),
    get("insight:assessments", lambda w: r("insight:assessments"), only("supervisor", "admin")),
    get(
        "insight:assessments_xlsx",
        lambda w: r("insight:assessments_xlsx"),
        only("supervisor", "admin"),
    ),
    get(
        "insight:assessment",
        lambda w: r("insight:assessment", NEWBORN, w.period),
        only("supervisor", "admin"),
    ),
    get(
        "insight:assessment",
        lambda w: r("insight:assessment", NEWBORN_JN, w.period),
        only("admin"),
        label="江宁区",
    ),
    get(
        "insight:assessment_xlsx",
        lambda w: r("insight:assessment_xlsx", NEWBORN, w.period),
        only("supervisor", "admin"),
    ),
    get(
        "insight:assessment_pdf",
        lambda w: r("insight:assessment_pdf", NEWBORN, w.period),
        only("supervisor", "admin"),
    ),
    post(
        "insight:evidence_upload",
        lambda w: r("insight:evidence_upload", NEWBORN, w.period),
        only("supervisor", "admin"),
        lambda w: {"criterion": Criterion.values[0], "file": _file()},
        effect=lambda w: AssessmentEvidence.objects.count(),
    ),
    get(
        "insight:evidence_file",
        lambda w: r("insight:evidence_file", NEWBORN, w.period, w.evidence.pk),
        only("supervisor", "admin"),
    ),
    post(
        "insight:evidence_delete",
        lambda w: r("insight:evidence_delete", NEWBORN, w.period, w.evidence_spare.pk),
        only("supervisor", "admin"),
        lambda w: {},
        effect=lambda w: AssessmentEvidence.objects.count(),
    ),
    get("insight:volumes", lambda w: r("insight:volumes"), only("supervisor", "editor", "admin")),
    post(
        "insight:volumes_import",
        lambda w: r("insight:volumes_import"),
        only("supervisor", "editor", "admin"),
        lambda w: {},
        ok=frozenset({400}),  # no workbook: the form again, with the reason
    ),
    get(
        "insight:volumes_template",
        lambda w: r("insight:volumes_template"),
        only("supervisor", "editor", "admin"),
    ),
]

# The Django admin is not enumerated (its own patterns); these rows check who gets in.
ADMIN_PAGES: list[Page] = [
    get(
        "admin",
        lambda w: "/admin/catalog/onething/",
        only("editor", "supervisor", "admin"),
        label="one-things",
    ),
    get(
        "admin",
        lambda w: "/admin/hotline/knowledgeentry/",
        only("hotline", "editor", "supervisor", "admin"),
        label="knowledge",
    ),
    get(
        "admin",
        lambda w: "/admin/hotline/knowledgeentry/add/",
        only("hotline", "editor", "admin"),
        label="knowledge add",
    ),
    get(
        "admin",
        lambda w: "/admin/hotline/routingrule/add/",
        only("supervisor", "admin"),
        label="routing add",
    ),
    get(
        "admin",
        lambda w: "/admin/ratings/rectification/",
        only("supervisor", "admin"),
        label="rectifications",
    ),
    get("admin", lambda w: "/admin/core/workerbeat/", only("admin"), label="task workers"),
]


# ---------------------------------------------------------------- the API

API_CALLERS = (*DEMO_USERS, SYSTEM, ANONYMOUS)
EVERY_CALLER = frozenset(API_CALLERS)
TOKEN_HOLDERS = frozenset((*DEMO_USERS, SYSTEM))
API = "/api/v1"


@dataclass(frozen=True)
class Operation:
    """One API operation (``method`` and ``path`` as in the OpenAPI document) called one way.

    ``allowed`` get ``ok`` (and the ``effect``); everyone else 401 (no token), 403 or 404.
    A ``listing`` answers every token holder, each with what they may see: ``empty_for`` get
    an empty list, and nobody's answer names an application or ticket hidden from them."""

    method: str
    path: str
    url: Builder
    allowed: frozenset[str]
    body: Body | None = None
    body_for: Callable[[World, str], Mapping[str, Any]] | None = None  # depends on the caller
    ok: frozenset[int] = frozenset({200})
    effect: Effect | None = None
    check: Callable[[World, str, str], str | None] | None = None  # caller, body → problem
    listing: bool = False
    empty_for: frozenset[str] = frozenset()
    label: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.label}]" if self.label else "")


def op(method: str, path: str, url: Builder, allowed: frozenset[str], **kw: Any) -> Operation:
    return Operation(method, f"{API}{path}", lambda w: API + url(w), allowed, **kw)


def _submission_body(w: World, caller: str) -> dict[str, Any]:
    """A valid 新生儿出生 submission for ``caller``: the register's values where it has them
    (those are locked), generated ones elsewhere."""
    guide = _guide(NEWBORN)
    payload = submission(guide, NEWBORN)
    form = dict(payload.form)
    user = w.users.get(caller)
    person = Person.objects.filter(user=user).first() if user else None
    if user is not None and person is not None:
        filled = prefill(
            form_fields=guide.form,
            subject=person,
            requesting_department=department("321183", "health"),
            purpose="办理“新生儿出生”：预填申请表",
            actor=user,
        )
        form.update({e: p.value for e, p in filled.items() if p.from_provider and p.value})
    return {
        "one_thing": NEWBORN,
        "form": form,
        "files": [
            {"material": u.material, "filename": u.filename, "content_base64": b64(u.data)}
            for u in payload.uploads
        ],
    }


def _ids(*kinds: str) -> list[int]:
    return [department("321183", kind).pk for kind in kinds]


APPROVERS = only("coord", "approver", "approver_hrss", "approver_jn", "admin", SYSTEM)

OPERATIONS: list[Operation] = [
    op(
        "POST",
        "/auth/token",
        lambda w: "/auth/token",
        EVERY_CALLER,  # signing in needs no token
        body=lambda w: {"username": "zhangsan", "password": "onething-demo"},
    ),
    op("GET", "/auth/me", lambda w: "/auth/me", TOKEN_HOLDERS),
    op("GET", "/org/regions", lambda w: "/org/regions", EVERY_CALLER),
    op(
        "GET",
        "/org/departments",
        lambda w: "/org/departments",
        TOKEN_HOLDERS,
        listing=True,
        empty_for=PERSONS,
    ),
    op("GET", "/one-things", lambda w: "/one-things", EVERY_CALLER),
    op("GET", "/one-things/{code}", lambda w: f"/one-things/{NEWBORN}", EVERY_CALLER),
    op(
        "POST",
        "/one-things/{code}/guide",
        lambda w: f"/one-things/{NEWBORN}/guide",
        EVERY_CALLER,
        body=lambda w: {},
    ),
    op(
        "POST",
        "/applications",
        lambda w: "/applications",
        PERSONS,
        body_for=_submission_body,
        ok=frozenset({201}),
        effect=lambda w: Application.objects.count(),
    ),
    op(
        "GET",
        "/applications",
        lambda w: "/applications?limit=100",
        TOKEN_HOLDERS,
        listing=True,
        empty_for=only("editor"),
    ),
    *[
        op(
            "GET",
            "/applications/{number}",
            api_case("/applications/{number}", name),
            SEES[name],
            label=name,
        )
        for name in ("submitted", "accepted", "jiangning", "for_granny", "firm")
    ],
    op(
        "POST",
        "/applications/{number}/withdraw",
        lambda w: f"/applications/{w.submitted.number}/withdraw",
        only("zhangsan"),
        body=lambda w: {"reason": "不办了"},
        effect=lambda w: current(w.submitted),
    ),
    op(
        "POST",
        "/applications/{number}/accept",
        lambda w: f"/applications/{w.submitted.number}/accept",
        only("clerk", "coord", "admin"),
        effect=lambda w: current(w.submitted),
    ),
    op(
        "POST",
        "/applications/{number}/refuse",
        lambda w: f"/applications/{w.submitted.number}/refuse",
        only("clerk", "coord", "admin"),
        body=lambda w: {"reason": "不属于本地受理范围"},
        effect=lambda w: current(w.submitted),
    ),
    op(
        "POST",
        "/applications/{number}/corrections",
        lambda w: f"/applications/{w.submitted.number}/corrections",
        only("clerk", "coord", "admin"),
        body=lambda w: {
            "deficiencies": [{"kind": "field", "target": "child_name", "reason": "有错别字"}]
        },
        effect=lambda w: w.submitted.corrections.count(),
    ),
    *[
        op(
            "POST",
            "/applications/{number}/corrections/{correction_id}/answer",
            api_case("/applications/{number}/corrections/{correction}/answer", name),
            SEES[name] - staff_of(SEES[name]) - {SYSTEM},
            body=lambda w: {"form": {"child_name": "张小宝"}},
            effect=notice_status(name),
            label=name,
        )
        for name in ("correcting", "for_granny", "firm")
    ],
    op(
        "POST",
        "/applications/{number}/inspections",
        lambda w: f"/applications/{w.accepted.number}/inspections",
        only("coord", "admin"),
        body=lambda w: {
            "scheduled_for": "2026-03-05T09:00:00+08:00",
            "place": "句容市华阳街道",
            "department_ids": _ids("health", "police"),
        },
        effect=lambda w: w.accepted.inspections.count(),
    ),
    op(
        "POST",
        "/applications/{number}/inspections/{inspection_id}/outcome",
        lambda w: f"/applications/{w.accepted.number}/inspections/{w.inspection.pk}/outcome",
        only("coord", "admin"),
        body=lambda w: {"passed": True, "notes": "符合要求"},
        effect=lambda w: current(w.inspection, "outcome"),
    ),
    op(
        "GET",
        "/tasks",
        lambda w: "/tasks?limit=200",
        TOKEN_HOLDERS,
        listing=True,
        empty_for=TOKEN_HOLDERS - APPROVERS,
    ),
    op(
        "POST",
        "/tasks/{task_id}/claim",
        lambda w: f"/tasks/{w.task_health.pk}/claim",
        only("coord", "admin"),
        effect=lambda w: current(w.task_health),
    ),
    op(
        "POST",
        "/tasks/{task_id}/decision",
        lambda w: f"/tasks/{w.task_health.pk}/decision",
        only("coord", "admin"),
        body=lambda w: {
            "decision": "approve",
            "opinion": "",
            "revision": current(w.task_health, "revision"),
        },
        effect=lambda w: current(w.task_health),
    ),
    op(
        "POST",
        "/tasks/{task_id}/verification",
        lambda w: f"/tasks/{w.verification.task_id}/verification",
        only("admin"),  # 句容市行政审批局 decided it; no demo user works there
        body=lambda w: {"passed": True, "note": ""},
        effect=lambda w: current(w.verification),
    ),
    op(
        "GET",
        "/webhooks/subscriptions",
        lambda w: "/webhooks/subscriptions",
        only(SYSTEM),  # a department system's own subscriptions
    ),
    op(
        "POST",
        "/webhooks/subscriptions",
        lambda w: "/webhooks/subscriptions",
        only(SYSTEM),
        body=lambda w: {"url": "http://127.0.0.1:9/other", "events": ["task.released"]},
        ok=frozenset({201}),
        effect=lambda w: Subscription.objects.count(),
    ),
    op(
        "DELETE",
        "/webhooks/subscriptions/{subscription_id}",
        lambda w: f"/webhooks/subscriptions/{w.subscription.pk}",
        only(SYSTEM),
        ok=frozenset({204}),
        effect=lambda w: current(w.subscription, "active"),
    ),
    op(
        "GET",
        "/certificates/mine",
        lambda w: "/certificates/mine",
        TOKEN_HOLDERS,
        listing=True,
        empty_for=TOKEN_HOLDERS - {"zhangsan", "wangwu"},  # 王武: his restaurant's licences
        check=lambda w, caller, body: (
            "lists 张三's certificate"
            if caller != "zhangsan" and w.certificate.number in body
            else None
        ),
    ),
    op(
        "GET",
        "/certificates/{number}/verify",
        lambda w: f"/certificates/{w.certificate.number}/verify",
        EVERY_CALLER,
    ),
    op(
        "GET",
        "/certificates/deliveries/{number}",
        lambda w: f"/certificates/deliveries/{w.decided.number}",
        SEES["decided"],
    ),
    op(
        "POST",
        "/certificates/deliveries/{number}/pickup",
        lambda w: f"/certificates/deliveries/{w.decided.number}/pickup",
        only("clerk", "admin"),
        body=lambda w: {"code": w.pickup_code, "id_number": w.users["zhangsan"].person.id_number},
        effect=lambda w: current(w.decided.delivery_record),
    ),
    op("GET", "/data/access-log", lambda w: "/data/access-log", PERSONS),
    op(
        "POST",
        "/data/prefill/{code}",
        lambda w: f"/data/prefill/{NEWBORN}",
        PERSONS,
        body=lambda w: {},
    ),
    op(
        "GET",
        "/data/applications/{number}/sources",
        lambda w: f"/data/applications/{w.accepted.number}/sources",
        SEES["accepted"],
    ),
    op(
        "POST",
        "/data/objections",
        lambda w: "/data/objections",
        only("zhangsan"),
        body=lambda w: {
            "application": w.accepted.number,
            "element": w.objectable,
            "proposed_value": "张三丰",
            "reason": "登记错了",
        },
        ok=frozenset({201}),
        effect=lambda w: DataObjection.objects.count(),
    ),
    op(
        "GET",
        "/data/objections",
        lambda w: "/data/objections",
        TOKEN_HOLDERS,
        listing=True,
        empty_for=TOKEN_HOLDERS - only("zhangsan", "approver", "supervisor", "admin", SYSTEM),
    ),
    op(
        "POST",
        "/data/objections/{objection_id}/resolve",
        lambda w: f"/data/objections/{w.objection.pk}/resolve",
        only("approver", "admin"),
        body=lambda w: {"corrected": False, "response": "经核实，登记无误。"},
        effect=lambda w: current(w.objection),
    ),
    op(
        "POST",
        "/ratings",
        lambda w: "/ratings",
        only("zhangsan"),
        body=lambda w: {"task": w.task_rated.pk, "level": 5},
        ok=frozenset({201}),
        effect=lambda w: Rating.objects.filter(task=w.task_rated).count(),
    ),
    op("GET", "/ratings/stats", lambda w: "/ratings/stats", EVERY_CALLER),
    op(
        "POST",
        "/hotline/tickets",
        lambda w: "/hotline/tickets",
        PERSONS | only("hotline", "admin"),  # applicants' messages, agents' calls
        body=lambda w: {
            "type": "consultation",
            "content": "孩子出生了要办什么",
            "caller_name": "刘先生",
            "region": "321183",
        },
        ok=frozenset({201}),
        effect=lambda w: Ticket.objects.count(),
    ),
    op(
        "GET",
        "/hotline/tickets/{number}",
        lambda w: f"/hotline/tickets/{w.ticket_call.number}",
        TICKET_SEES["ticket_call"],
    ),
    op(
        "GET",
        "/hotline/tickets/{number}",
        lambda w: f"/hotline/tickets/{w.ticket_lisi.number}",
        TICKET_SEES["ticket_lisi"],
        label="李思's",
    ),
    op(
        "POST",
        "/hotline/tickets/{number}/answer",
        lambda w: f"/hotline/tickets/{w.ticket_call.number}/answer",
        only("approver", "admin", SYSTEM),  # the department it was routed to
        body=lambda w: {"answer": "出生医学证明已签发，请到卡包查看。"},
        effect=lambda w: current(w.ticket_call),
    ),
    op("GET", "/hotline/answers", lambda w: "/hotline/answers?q=出生", EVERY_CALLER),
    op("GET", "/insight/summary", lambda w: "/insight/summary", only("supervisor", "admin")),
]


# ---------------------------------------------------------------- what exists


def site_url_names() -> set[str]:
    """Every named URL pattern of the site, except the Django admin's own, static and media
    files and the API (which has its own matrix)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin" or route.startswith(API.lstrip("/")):
                    continue
                inner = pattern.namespace or ""
                walk(pattern.url_patterns, route, ":".join(n for n in (namespace, inner) if n))
            elif isinstance(pattern, URLPattern):
                if route.startswith(("static/", "media/", "admin/", API.lstrip("/"))):
                    continue
                name = pattern.name or f"<unnamed {route}>"
                names.add(f"{namespace}:{name}" if namespace else name)

    walk(get_resolver().url_patterns, "", "")
    return names


def api_operations() -> set[tuple[str, str]]:
    """Every (method, path) of the OpenAPI document."""
    from onething.api import api

    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


# ---------------------------------------------------------------- making the requests

SIGN_IN = ("/accounts/login/", "/admin/login/")
TEXT_TYPES = ("text/html", "application/json")


class _Rollback(Exception):
    pass


def attempt(request: Callable[[], Response], effect: Callable[[], Any] | None) -> tuple[Any, bool]:
    """Make the request in a savepoint that is then rolled back; the response (or the exception
    the view raised) and whether ``effect`` changed."""
    outcome: dict[str, Any] = {}
    cache.clear()  # throttles count in the cache, which no rollback resets
    try:
        with transaction.atomic():
            before = effect() if effect else None
            try:
                outcome["response"] = request()
            except Exception as exc:  # a server error is a finding, not a crash
                outcome["response"] = exc
            outcome["changed"] = effect is not None and effect() != before
            raise _Rollback
    except _Rollback:
        pass
    return outcome["response"], outcome["changed"]


def is_sign_in(response: Response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def leaked(response: Response, hidden: list[str]) -> list[str]:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(TEXT_TYPES):
        return []
    body = response.content.decode()
    return [number for number in hidden if number in body]


def clients(world: World) -> dict[str, Client]:
    signed_in = {}
    for name in DEMO_USERS:
        signed_in[name] = Client()
        signed_in[name].force_login(world.users[name])
    return {**signed_in, ANONYMOUS: Client()}


def open_page(client: Client, world: World, page: Page) -> tuple[Any, bool]:
    url = page.url(world)
    data = dict(page.data(world)) if page.data else None

    def request() -> Response:
        if page.method == "post":
            return client.post(url, data or {})
        return client.get(url)

    effect = page.effect
    return attempt(request, (lambda: effect(world)) if effect else None)


def call(client: Client, world: World, operation: Operation, caller: str) -> tuple[Any, bool]:
    url = operation.url(world)
    headers = {}
    if caller != ANONYMOUS:
        headers["Authorization"] = f"Bearer {world.tokens[caller]}"

    body_for, fixed = operation.body_for, operation.body

    def request() -> Response:
        body = None  # made here, so what making it writes (a prefill's reads) is rolled back
        if body_for is not None:
            body = json.dumps(dict(body_for(world, caller)))
        elif fixed is not None:
            body = json.dumps(dict(fixed(world)))
        if body is None and operation.method in {"GET", "DELETE"}:
            return client.generic(operation.method, url, headers=headers)
        return client.generic(
            operation.method, url, body or "{}", content_type="application/json", headers=headers
        )

    effect = operation.effect
    return attempt(request, (lambda: effect(world)) if effect else None)
