"""受理: a hotline agent records a call, or a signed-in applicant files a ticket on the web.

The caller's phone number is normalised, stored encrypted with a look-up hash, and matched to a
registered person when exactly one has that number. A ticket about an application links to it
and to its one-thing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from onething.accounts.models import Person, StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.cases.models import Application
from onething.cases.selectors import applications_for_staff, applications_of_applicant
from onething.catalog.models import OneThing
from onething.core.crypto import hmac_sm3_hex
from onething.core.errors import PermissionDenied, ValidationFailed
from onething.core.identifiers import normalize_mobile
from onething.org.models import Region

from .events import record_event
from .models import Ticket
from .routing import county_of
from .rules import answer_days, due_for, require_agent, required

MAX_CONTENT = 4000


def _phone(value: str) -> str:
    """A mobile number normalised; a landline (0511-87654321) as its digits."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalize_mobile(value, field="caller_phone")
    except ValidationFailed:
        digits = value.replace("-", "").replace(" ", "")
        if digits.isdigit() and 7 <= len(digits) <= 16:
            return digits
        raise


def _application_for(actor: User, number: str) -> Application | None:
    number = (number or "").strip()
    if not number:
        return None
    visible = (
        applications_of_applicant(actor) if actor.is_applicant else applications_for_staff(actor)
    )
    found = visible.select_related("lead_department__region").filter(number=number).first()
    if found is None:
        raise ValidationFailed(
            code="application_not_found",
            message=f"没有找到办件 {number}，请核对办件编号。",
            message_en=f"No application {number} that you may see.",
            details={"field": "application"},
        )
    return found


def _one_thing(code: str) -> OneThing | None:
    code = (code or "").strip()
    if not code:
        return None
    found = OneThing.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(
            code="one_thing_not_found",
            message=f"没有找到编码为 {code} 的“一件事”。",
            message_en=f"There is no one-thing with code {code}.",
            details={"field": "one_thing"},
        )
    return found


def _home_region(actor: User) -> Region | None:
    membership = (
        actor.memberships.filter(role=StaffRole.HOTLINE_AGENT)
        .select_related("department__region")
        .first()
    )
    return membership.department.region if membership else None


def ticket_create(
    *,
    actor: User,
    type: str,
    content: str,
    caller_name: str = "",
    caller_phone: str = "",
    channel: str | None = None,
    application_number: str = "",
    one_thing_code: str = "",
    region: Region | None = None,
) -> Ticket:
    """受理: a hotline agent records a call, or a signed-in applicant files a web ticket.

    The ticket belongs to a region: the application's lead department's when it is about one,
    else the one given, else the caller's home county, else the agent's own. Its answer
    deadline counts working days by type (``answer_days``).
    """
    if not actor.is_applicant and not staff_scope(actor).has_role(StaffRole.HOTLINE_AGENT):
        raise PermissionDenied(
            code="not_hotline_agent",
            message="只有12345热线坐席可以受理来电；群众可以登录后在线留言。",
            message_en="Only hotline agents record calls; applicants file tickets online.",
        )
    if type not in Ticket.Type.values:
        raise ValidationFailed(
            code="unknown_ticket_type",
            message="工单类型只能是咨询、查询、建议、投诉或求助。",
            message_en="A ticket is a consultation, inquiry, suggestion, complaint or help.",
            details={"field": "type"},
        )
    content = required(
        content, "content_required", "请记录来电人的诉求内容。", "Record what the caller asks."
    )[:MAX_CONTENT]
    application = _application_for(actor, application_number)
    one_thing = application.one_thing if application else _one_thing(one_thing_code)
    person: Person | None = None
    if actor.is_applicant:
        person = Person.objects.filter(user=actor).select_related("household_region").first()
        if person is None:
            raise PermissionDenied(
                code="no_identity",
                message="请先完成实名认证，再在线提交诉求。",
                message_en="Verify your real-name identity first.",
            )
        channel = channel or Ticket.Channel.WEB
        if channel == Ticket.Channel.PHONE:
            channel = Ticket.Channel.WEB
        caller_name, phone = person.name, person.phone
    else:
        channel = channel or Ticket.Channel.PHONE
        caller_name = required(
            caller_name,
            "caller_name_required",
            "请记录来电人姓名（可写“匿名”）。",
            "Record the caller's name (or 匿名).",
        )
        phone = _phone(caller_phone)
        if phone:
            matches = list(Person.objects.filter(phone_hash=hmac_sm3_hex(phone))[:2])
            person = matches[0] if len(matches) == 1 else None
    if channel not in Ticket.Channel.values:
        raise ValidationFailed(
            code="unknown_channel", message="未知的受理渠道。", message_en="Unknown channel."
        )
    # a ticket about an application belongs to the region of the department answering for it
    home = application.lead_department.region if application is not None else region
    if home is None and person is not None and person.household_region is not None:
        home = person.household_region
    if home is None and one_thing is not None and actor.is_applicant:
        home = one_thing.region
    if home is None:
        home = _home_region(actor)
    if home is None:
        raise ValidationFailed(
            code="region_required",
            message="请选择工单的所属地区。",
            message_en="Choose the region the ticket belongs to.",
            details={"field": "region"},
        )
    home = county_of(home)
    if not actor.is_applicant:
        require_agent(actor, home)
    return _store(
        actor=actor,
        type=type,
        channel=channel,
        caller_name=caller_name.strip()[:64],
        phone=phone,
        person=person,
        content=content,
        application=application,
        one_thing=one_thing,
        region=home,
    )


@transaction.atomic
def _store(
    *,
    actor: User,
    type: str,
    channel: str,
    caller_name: str,
    phone: str,
    person: Person | None,
    content: str,
    application: Application | None,
    one_thing: OneThing | None,
    region: Region,
) -> Ticket:
    today = timezone.localdate()
    ticket = Ticket.objects.create(
        type=type,
        channel=channel,
        caller_name=caller_name,
        caller_phone=phone,
        caller_phone_hash=hmac_sm3_hex(phone) if phone else "",
        caller_person=person,
        content=content,
        application=application,
        one_thing=one_thing,
        region=region,
        due_date=due_for(today, type),
        created_by=actor,
    )
    ticket.number = f"RX{region.code[:6]}{today:%Y%m%d}{ticket.pk:06d}"
    ticket.save(update_fields=["number"])
    record_event(
        ticket,
        "receive",
        actor,
        days=answer_days(type),
        channel=channel,
        due=ticket.due_date.isoformat() if ticket.due_date else None,
    )
    return ticket
