"""The applicant's one form, built from a guide: inputs by field type, prefill from the account,
uploads per material, the problems of a submission next to each field, and drafts.

The checks themselves stay in ``checks``/``uploads``/``services``; this module only reads what
the browser sent and lays it out for the templates.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from onething.accounts.models import Person
from onething.catalog.guide import FieldInGuide, MaterialInGuide
from onething.core.crypto import DecryptionError, hmac_sm3_hex, sm4_decrypt, sm4_encrypt
from onething.core.errors import ValidationFailed
from onething.core.masking import MASK_BY_TYPE, mask_for_type

from .models import Delivery
from .services import Upload
from .uploads import check_upload

FIELD_PREFIX = "f."
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
DRAFT_PREFIX = "apply-draft:"


# ---------------------------------------------------------------- inputs by type


@dataclass
class FieldRow:
    """One input of the one form, ready for the template."""

    element: str
    label: str
    type: str
    required: bool
    items: list[str]
    value: str = ""
    prefilled: bool = False
    problems: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    source: str = ""  # the registry the value came from: 人口库（句容市公安局）
    fetched_at: dt.datetime | None = None
    locked: bool = False  # the register's value: shown, not editable
    account: bool = False  # the applicant's own number as their account knows it: shown masked

    @property
    def name(self) -> str:
        return FIELD_PREFIX + self.element

    @property
    def shown_masked(self) -> str:
        """A locked ID, phone or bank number as the page shows it (3211**********2647); the
        clear number is not sent to the browser at all: the server fills a locked value in
        from the register (``datahub.services.prefill_settle``), and the applicant's own from
        their account (``fill_from_account``). Empty for every other row."""
        if not (self.locked or self.account) or self.type not in MASK_BY_TYPE:
            return ""
        return mask_for_type(self.value, self.type)

    @property
    def html_id(self) -> str:
        return "f-" + self.element

    @property
    def widget(self) -> str:
        if self.type == "enum" and self.choices:
            return "select"
        if self.type == "text":
            return "textarea"
        return "input"

    @property
    def input_type(self) -> str:
        return {"date": "date", "phone": "tel", "email": "email"}.get(self.type, "text")

    @property
    def inputmode(self) -> str:
        # ID numbers and credit codes may end in a letter (X): a text keyboard, not a keypad.
        return {
            "phone": "tel",
            "integer": "numeric",
            "bank_account": "numeric",
            "region_code": "numeric",
            "decimal": "decimal",
            "email": "email",
            "id_number": "text",
            "uscc": "text",
        }.get(self.type, "")

    @property
    def autocomplete(self) -> str:
        if self.element == "applicant_name":
            return "name"
        if self.element == "applicant_phone":
            return "tel"
        if self.type in {"id_number", "bank_account", "uscc"}:
            return "off"
        return ""

    @property
    def maxlength(self) -> int | None:
        return {"id_number": 18, "uscc": 18, "phone": 11, "bank_account": 23}.get(self.type)

    @property
    def uppercase(self) -> bool:
        return self.type in {"id_number", "uscc"}


HINTS = {
    "id_number": "18位，最后一位可能是字母X",
    "phone": "11位手机号码，用于接收办理进度短信",
    "bank_account": "12至19位数字，中间不要留空格",
    "decimal": "只填数字，例如 3200.50",
    "integer": "只填整数",
    "uscc": "18位统一社会信用代码",
}


def choices_of(spec: FieldInGuide) -> list[tuple[str, str]]:
    out = []
    for choice in spec.choices:
        if isinstance(choice, dict):
            out.append((str(choice["value"]), str(choice.get("label", choice["value"]))))
        else:
            out.append((str(choice), str(choice)))
    return out


def field_rows(
    form: Iterable[FieldInGuide],
    values: Mapping[str, str],
    problems: Mapping[str, list[str]] | None = None,
    prefilled: Iterable[str] = (),
    *,
    sources: Mapping[str, Any] | None = None,
    account: Mapping[str, str] | None = None,
) -> list[FieldRow]:
    """``sources``: the shared data behind the values (``datahub.services.Prefilled`` by
    element); a row whose value is the registry's says so, and a locked one is read-only.
    ``account``: the applicant's own numbers (``account_numbers``); a row still holding one
    shows it masked."""
    problems = problems or {}
    account = account or {}
    prefilled = set(prefilled)
    sources = sources or {}
    rows = []
    for spec in form:
        value = str(values.get(spec.element, "") or "")
        shared = sources.get(spec.element)
        if shared is not None and not (
            shared.from_provider and shared.value and shared.value == value
        ):
            shared = None
        rows.append(
            FieldRow(
                element=spec.element,
                label=spec.label,
                type=spec.type,
                required=spec.required,
                items=list(spec.items),
                value=value,
                prefilled=spec.element in prefilled,
                problems=list(problems.get(spec.element, [])),
                choices=choices_of(spec),
                hint=_(HINTS[spec.type]) if spec.type in HINTS else "",
                source=shared.source_label if shared else "",
                fetched_at=shared.fetched_at if shared else None,
                locked=bool(shared and shared.locked),
                account=bool(value) and account.get(spec.element) == value,
            )
        )
    return rows


def read_values(post: Mapping[str, Any], form: Iterable[FieldInGuide]) -> dict[str, str]:
    """The typed values of the guide's fields (and only those), trimmed."""
    values = {}
    for spec in form:
        raw = post.get(FIELD_PREFIX + spec.element, "")
        values[spec.element] = str(raw or "").strip()
    return values


# ``applicant_*`` elements sometimes mean another person (the insured newborn, the other party
# of a marriage): a label naming such a role is never filled with the account holder's data.
OTHER_ROLES = ("参保人", "持卡人", "缴费人", "残疾人", "老年人", "迁移人", "男方", "女方")


def prefill_for(
    person: Person | None, form: Iterable[FieldInGuide], *, own: bool
) -> dict[str, str]:
    """What the account already knows about the applicant: name, ID number, own phone."""
    if person is None:
        return {}
    known = {"applicant_name": person.name, "applicant_id_number": person.id_number}
    if own and person.phone:  # a clerk or agent types the contact number they are given
        known["applicant_phone"] = person.phone
    labels = {f.element: f.label for f in form}
    return {
        k: v
        for k, v in known.items()
        if v and k in labels and not any(role in labels[k] for role in OTHER_ROLES)
    }


def account_numbers(known: Mapping[str, str], form: Iterable[FieldInGuide]) -> dict[str, str]:
    """The ID and phone numbers among what the account knows (``prefill_for``): the page shows
    them masked and never sends them to the browser; ``fill_from_account`` puts them back."""
    types = {f.element: f.type for f in form}
    return {k: v for k, v in known.items() if types.get(k) in MASK_BY_TYPE}


def fill_from_account(values: Mapping[str, str], account: Mapping[str, str]) -> dict[str, str]:
    """The posted values with the applicant's own numbers filled in where none was typed (the
    page shows them masked, without an input of their own); a number typed instead is kept."""
    return {**values, **{k: v for k, v in account.items() if not values.get(k)}}


GROUPS = {
    "child": "孩子的信息",
    "mother": "母亲的信息",
    "father": "父亲的信息",
    "applicant": "申请人的信息",
    "contact": "联系人的信息",
    "deceased": "逝者的信息",
    "spouse": "配偶的信息",
    "enterprise": "企业的信息",
    "legal": "法定代表人的信息",
    "buyer": "买方的信息",
    "seller": "卖方的信息",
    "employee": "职工的信息",
    "vehicle": "车辆的信息",
    "property": "不动产的信息",
    "premises": "经营场所的信息",
}


def field_groups(rows: list[FieldRow]) -> list[dict[str, Any]]:
    """Fields about the same person or thing together, in the order they first appear."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        prefix = row.element.split("_", 1)[0]
        key = prefix if prefix in GROUPS else ""
        if key not in groups:
            title = _(GROUPS[key]) if key else _("其他信息")
            groups[key] = {"key": key or "other", "title": title, "rows": []}
        groups[key]["rows"].append(row)
    ordered = [g for k, g in groups.items() if k]
    if "" in groups:
        ordered.append(groups[""])
    return ordered


# ---------------------------------------------------------------- uploads


@dataclass
class MaterialRow:
    index: int
    name: str
    form: str
    required: bool
    items: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def input_name(self) -> str:
        return f"upload-{self.index}"


def material_rows(
    materials: Iterable[MaterialInGuide], problems: Mapping[str, list[str]] | None = None
) -> list[MaterialRow]:
    problems = problems or {}
    return [
        MaterialRow(
            index=i,
            name=m.name,
            form=m.form,
            required=m.required,
            items=list(m.items),
            problems=list(problems.get(f"material:{m.name}", [])),
        )
        for i, m in enumerate(materials)
    ]


def _problem(field_name: str, label: str, items: list[str], exc: ValidationFailed) -> dict:
    return {
        "field": field_name,
        "label": label,
        "items": items,
        "message": exc.message,
        "message_en": exc.message_en,
    }


def read_uploads(
    files: Mapping[str, UploadedFile], named: Iterable[tuple[str, str, list[str]]]
) -> tuple[list[Upload], list[dict[str, Any]]]:
    """Files chosen for (input name, material name, items); each one checked by its content.

    A file that fails the check is not passed on; its problem is, under ``material:<name>``.
    """
    uploads: list[Upload] = []
    problems: list[dict[str, Any]] = []
    for input_name, material, items in named:
        chosen = files.get(input_name)
        if chosen is None or not chosen.name:
            continue
        data = chosen.read()
        try:
            check_upload(chosen.name, data, material=material)
        except ValidationFailed as exc:
            problems.append(_problem(f"material:{material}", material, items, exc))
            continue
        uploads.append(Upload(material=material, filename=chosen.name, data=data))
    return uploads, problems


# ---------------------------------------------------------------- problems


def problems_by_field(problems: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for p in problems:
        index.setdefault(str(p["field"]), []).append(str(p["message"]))
    return index


def anchor_for(problem_field: str, materials: list[MaterialRow]) -> str:
    """The id of the input a problem belongs to, for the links in the summary."""
    if problem_field.startswith("material:"):
        name = problem_field[len("material:") :]
        row = next((m for m in materials if m.name == name), None)
        return f"upload-{row.index}" if row else "materials"
    if problem_field.startswith("delivery"):
        return "delivery-address" if problem_field == "delivery_address" else "delivery"
    return "f-" + problem_field


# ---------------------------------------------------------------- delivery


DELIVERY_HELP = {
    Delivery.WINDOW: "办结后到政务服务中心综合窗口领取",
    Delivery.COURIER: "免费邮寄到您填写的地址",
    Delivery.ELECTRONIC: "证照推送到您的电子证照账户，纸质结果可另行领取",
}


def delivery_options(selected: str) -> list[dict[str, Any]]:
    return [
        {
            "value": value,
            "label": label,
            "help": _(DELIVERY_HELP[Delivery(value)]),
            "checked": value == selected,
        }
        for value, label in Delivery.choices
    ]


def read_delivery(post: Mapping[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    delivery = str(post.get("delivery", "") or Delivery.ELECTRONIC)
    address = str(post.get("delivery_address", "") or "").strip()
    problems: list[dict[str, Any]] = []
    if delivery not in Delivery.values:
        problems.append(
            {
                "field": "delivery",
                "label": _("领取方式"),
                "items": [],
                "message": _("请选择领取方式"),
                "message_en": "choose how to receive the results",
            }
        )
        delivery = Delivery.ELECTRONIC
    if delivery == Delivery.COURIER and not address:
        problems.append(
            {
                "field": "delivery_address",
                "label": _("邮寄地址"),
                "items": [],
                "message": _("选择邮寄送达时，请填写邮寄地址"),
                "message_en": "give the address to post the results to",
            }
        )
    return delivery, address if delivery == Delivery.COURIER else "", problems


# ---------------------------------------------------------------- drafts (in the session)


def draft_key(code: str, for_person: Person | None) -> str:
    """One draft per one-thing, and per person a clerk or agent applies for."""
    whose = hmac_sm3_hex(f"person:{for_person.pk}")[:16] if for_person else "self"
    return f"{DRAFT_PREFIX}{code}:{whose}"


def draft_save(session: SessionBase, key: str, content: dict[str, Any]) -> None:
    """Typed values only (never files), encrypted like every other personal datum at rest."""
    body = dict(content, saved_at=timezone.now().isoformat())
    session[key] = sm4_encrypt(json.dumps(body, ensure_ascii=False))


def draft_load(session: SessionBase, key: str) -> dict[str, Any] | None:
    token = session.get(key)
    if not token:
        return None
    try:
        loaded = json.loads(sm4_decrypt(token))
    except (DecryptionError, ValueError):
        session.pop(key, None)
        return None
    return loaded if isinstance(loaded, dict) else None


def draft_discard(session: SessionBase, key: str) -> None:
    session.pop(key, None)
