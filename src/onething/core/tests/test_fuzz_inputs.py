"""Hypothesis on what people and files send in: the one form's checks (智能预审), the upload
check, the delivery choice and the catalog loader. Whatever comes in, the answer is a value or a
problem with a Chinese and an English message (``ValidationFailed`` / ``LoadError``), never
another exception, and nothing half-done.

    .venv/bin/pytest src/onething/core/tests/test_fuzz_inputs.py -q
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onething.cases.checks import check_form
from onething.cases.forms import read_delivery, read_uploads
from onething.cases.models import Delivery
from onething.cases.uploads import EXECUTABLES, SIGNATURES, check_upload
from onething.catalog.guide import FieldInGuide
from onething.catalog.loader import DATA_DIR, load_catalog
from onething.catalog.models import DataElement, OneThing, ServiceItem
from onething.core.dataload import LoadError
from onething.core.errors import ValidationFailed

TODAY = dt.date(2026, 3, 2)
TYPES = list(DataElement.Type.values)

# ---------------------------------------------------------------- the one form


def _id_numbers():
    from onething.accounts.demo import demo_id_number

    return st.builds(
        demo_id_number,
        st.sampled_from(["321183", "110105", "320115"]),
        st.dates(dt.date(1920, 1, 1), dt.date(2025, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
        st.integers(1, 999),
    )


# near-valid values next to noise: real ID numbers, dates, codes, digits and unicode digits
VALUES = st.one_of(
    st.text(max_size=40),
    _id_numbers(),
    st.dates().map(dt.date.isoformat),
    st.from_regex(r"-?[0-9]{1,20}(\.[0-9]{1,4})?", fullmatch=True),
    st.from_regex(r"[0-9٠-٩²]{6,19}", fullmatch=True),
    st.sampled_from(["91320000134790455E", "13812345678", "a@b.cn", "M", "女", "1", "2"]),
)


@st.composite
def forms(draw):
    prefixes = st.sampled_from(["applicant_", "child_", "", "spouse_"])
    names = st.one_of(
        st.tuples(prefixes, st.sampled_from(["id_number", "birth_date", "sex", "phone"])).map(
            "".join
        ),
        st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
    )
    elements = draw(st.lists(names, min_size=1, max_size=8, unique=True))
    specs = []
    for element in elements:
        kind = draw(st.sampled_from(TYPES))
        if element.endswith("id_number"):
            kind = draw(st.sampled_from(["id_number", kind]))
        if element.endswith("birth_date"):
            kind = draw(st.sampled_from(["date", kind]))
        choices = draw(
            st.lists(
                st.one_of(
                    st.text(max_size=3),
                    st.fixed_dictionaries(
                        {"value": st.text(max_size=3), "label": st.text(max_size=3)}
                    ),
                ),
                max_size=3,
            )
        )
        specs.append(
            FieldInGuide(
                element=element,
                label=element,
                type=kind,
                required=draw(st.booleans()),
                pii="none",
                items=["X1"],
                prefill_source="",
                choices=choices,
            )
        )
    values = draw(st.dictionaries(st.sampled_from(elements), st.one_of(VALUES, st.none())))
    return specs, values


@given(forms())
@settings(max_examples=300, deadline=None)
def test_the_form_check_answers_every_input_with_values_or_problems(form):
    specs, values = form
    clean, problems = check_form(specs, values, today=TODAY)
    elements = {s.element for s in specs}
    assert set(clean) <= elements
    for problem in problems:
        assert problem.field in elements
        assert problem.message and problem.message_en
    for spec in specs:
        given_value = str(values.get(spec.element) or "").strip()
        if spec.required and not given_value:
            assert any(p.field == spec.element for p in problems)


@given(
    st.dictionaries(st.sampled_from(["delivery", "delivery_address", "x"]), st.text(max_size=20))
)
def test_the_delivery_choice_is_always_one_of_the_ways(post):
    delivery, address, problems = read_delivery(post)
    assert delivery in Delivery.values
    assert address == "" or delivery == Delivery.COURIER
    assert all(p["message"] and p["message_en"] for p in problems)


# ---------------------------------------------------------------- uploads

MAGICS = [magic for magic, _, _ in SIGNATURES] + EXECUTABLES
FILES = st.one_of(
    st.binary(max_size=64),
    st.tuples(st.sampled_from(MAGICS), st.binary(max_size=64)).map(b"".join),
)
NAMES = st.one_of(
    st.text(max_size=30), st.sampled_from(["../../etc/passwd", "a.pdf.exe", "证明.pdf", ""])
)


@given(name=NAMES, data=FILES)
@settings(max_examples=300, deadline=None)
def test_an_upload_is_stored_only_when_its_content_is_a_document(name, data):
    try:
        checked = check_upload(name, data, material="出生医学证明")
    except ValidationFailed as exc:
        assert exc.code in {"upload_empty", "upload_type", "upload_disguised"}
        assert exc.message and exc.message_en
        assert not any(data.startswith(magic) for magic, _, _ in SIGNATURES) or not data
        return
    kind = next(t for magic, t, _ in SIGNATURES if data.startswith(magic))
    assert checked.content_type == kind and checked.size == len(data)
    # the stored name comes from the content's digest, never from what the sender called it
    assert checked.content.name.startswith(checked.digest[:16])
    assert "/" not in checked.content.name and ".." not in checked.content.name


@given(
    # names Django's upload handler lets through (it refuses "", "." and "..")
    st.lists(
        st.tuples(NAMES.filter(lambda n: os.path.basename(n) not in {"", ".", ".."}), FILES),
        max_size=4,
    ),
)
@settings(max_examples=100, deadline=None)
def test_read_uploads_passes_on_only_checked_files(chosen):
    files = {f"upload-{i}": SimpleUploadedFile(n, d) for i, (n, d) in enumerate(chosen)}
    named = [(f"upload-{i}", f"材料{i}", ["X1"]) for i in range(len(chosen))]
    uploads, problems = read_uploads(files, named)
    assert len(uploads) + len(problems) == len(chosen)
    for upload in uploads:
        assert any(upload.data.startswith(magic) for magic, _, _ in SIGNATURES)
    assert all(p["field"].startswith("material:") for p in problems)


def test_a_file_past_the_limit_is_refused(settings):
    settings.ONETHING_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as refused:
        check_upload("a.pdf", b"%PDF-" + b"0" * 2000, material="证明")
    assert refused.value.code == "upload_too_large"


# ---------------------------------------------------------------- the catalog loader

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.sampled_from(["NaN", "1e999", "-1", "0", "", "Infinity"]),
)


def _paths(node, at=()):
    """Every place in a parsed YAML tree a value could be replaced (or removed)."""
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*at, index))


def _replace(node, at, value, remove):
    if not at:
        return value
    parent = node
    for step in at[:-1]:
        parent = parent[step]
    if remove and isinstance(parent, dict):
        del parent[at[-1]]
    else:
        parent[at[-1]] = value
    return node


def _small_catalog(target: Path) -> dict[str, object]:
    """The smallest one-thing and the items files it needs, copied, and parsed: the one-thing
    and the items file of its first item are what gets mutated."""
    files = {
        path.name: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((DATA_DIR / "items").glob("*.yaml"))
    }
    home = {str(i["code"]): name for name, data in files.items() for i in data["items"]}
    smallest = min(
        (DATA_DIR / "one_things").glob("*.yaml"), key=lambda path: len(path.read_bytes())
    )
    one_thing = yaml.safe_load(smallest.read_text(encoding="utf-8"))
    needed = {home[str(e["code"])] for e in one_thing["items"]}
    (target / "items").mkdir(parents=True)
    (target / "one_things").mkdir()
    shutil.copy(DATA_DIR / "data_elements.yaml", target / "data_elements.yaml")
    for name in needed:
        shutil.copy(DATA_DIR / "items" / name, target / "items" / name)
    first = home[str(one_thing["items"][0]["code"])]
    return {"items": files[first], "one_thing": one_thing, "items_file": first}


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("catalog")
    return root, _small_catalog(root)


@st.composite
def mutations(draw, documents):
    which = draw(st.sampled_from(["items", "one_thing"]))
    places = list(_paths(documents[which]))
    return which, draw(st.sampled_from(places)), draw(JUNK), draw(st.booleans())


@pytest.mark.django_db
def test_the_catalog_loader_reports_every_malformed_file_and_loads_nothing(small_catalog):
    root, documents = small_catalog

    @given(data=st.data())
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(data):
        import copy

        which, at, value, remove = data.draw(mutations(documents))
        mutated = {k: copy.deepcopy(documents[k]) for k in ("items", "one_thing")}
        mutated[which] = _replace(mutated[which], at, value, remove)
        (root / "items" / documents["items_file"]).write_text(
            yaml.safe_dump(mutated["items"], allow_unicode=True), encoding="utf-8"
        )
        (root / "one_things" / "one.yaml").write_text(
            yaml.safe_dump(mutated["one_thing"], allow_unicode=True), encoding="utf-8"
        )
        before = (ServiceItem.objects.count(), OneThing.objects.count())
        sid = transaction.savepoint()
        try:
            load_catalog(root)
        except LoadError as exc:
            assert exc.message and exc.message_en and exc.details["file"]
            assert (ServiceItem.objects.count(), OneThing.objects.count()) == before
        finally:
            transaction.savepoint_rollback(sid)

    check()


def test_a_data_file_that_is_not_utf8_is_named_not_a_crash(tmp_path):
    """Found by atheris (fuzz/fuzz_catalog_loader.py): a stray byte crashed the loader."""
    from onething.core.dataload import read_yaml

    bad = tmp_path / "one.yaml"
    bad.write_bytes("code: 一件事\n".encode() + b"name: \xef\x00\n")
    with pytest.raises(LoadError) as refused:
        read_yaml(bad)
    assert refused.value.details["file"] == str(bad)
    assert "UTF-8" in refused.value.message and "UTF-8" in refused.value.message_en
