"""Notification channels behind one interface: ``send(message) -> None`` (raises on failure).

- ``inapp``: the message row itself is the delivery (shown on the applicant's pages);
- ``email``: Django's mail (SMTP or whatever EMAIL_BACKEND says);
- ``sms``: a gateway interface; the built-in ``LoggingSmsGateway`` writes the masked text to
  the log (a real operator plugs its gateway in through ``ONETHING_SMS_GATEWAY``).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from onething.core.masking import mask_phone, mask_text
from onething.plugins.registry import Registry

from .models import Message

logger = logging.getLogger("onething.notify")


class Gateway(Protocol):
    def send(self, message: Message) -> None: ...


register: Registry[Gateway] = Registry()


@register("inapp")
class InApp:
    def send(self, message: Message) -> None:
        return None


@register("email")
class Email:
    def send(self, message: Message) -> None:
        address = message.recipient.email
        if not address:
            raise ValueError("recipient has no e-mail address")
        send_mail(message.subject, message.body, None, [address])


class SmsGateway(Protocol):
    def send_sms(self, phone: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Writes the text message to the log, with numbers masked."""

    def send_sms(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), mask_text(text))


@register("sms")
class Sms:
    def send(self, message: Message) -> None:
        from onething.accounts.models import Person

        person = Person.objects.filter(user=message.recipient).first()
        if person is None or not person.phone:
            raise ValueError("recipient has no mobile number")
        path = getattr(
            settings, "ONETHING_SMS_GATEWAY", "onething.notify.gateways.LoggingSmsGateway"
        )
        gateway: SmsGateway = import_string(path)()
        gateway.send_sms(person.phone, f"【{message.subject}】{message.body}")
