"""The guide: merging, exemption, subsets, deadlines — on real catalog data and on generated
one-things (hypothesis)."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onething.catalog.guide import GuideError, compute_guide
from onething.catalog.models import OneThingVersion

# ---------------------------------------------------------------- real data


@pytest.fixture
def newborn(catalog):
    return OneThingVersion.objects.get(one_thing__seq=7).snapshot


def test_newborn_guide_merges_and_exempts(newborn):
    guide = compute_guide(newborn, start=dt.date(2026, 3, 2))
    by_name = {m.name: m for m in guide.materials}
    birth = by_name["出生医学证明"]
    assert birth.exempt and "出生医学证明首次签发" in birth.exempt_reason
    assert len(birth.items) >= 2  # asked by several items, listed once
    assert all(m.exempt_reason for m in guide.materials if m.exempt)
    assert guide.before.materials > guide.after.materials
    assert guide.after.steps == 1 and guide.before.steps == len(guide.items)
    assert guide.official["materials"] == [22, 4]


def test_deadline_is_the_critical_path_in_working_days(newborn):
    guide = compute_guide(newborn, start=dt.date(2026, 3, 2))
    items = {i.code: i for i in guide.items}
    assert guide.statutory_days == sum(items[c].statutory_days for c in guide.critical_path)
    assert guide.statutory_days < guide.serial_days
    assert guide.due is not None and guide.due > guide.start
    late = compute_guide(newborn, start=dt.date(2026, 12, 1))
    assert late.due is None and "2027" in late.due_note  # fails closed, says why


def test_an_answer_adds_a_material_and_a_wrong_answer_is_refused(newborn):
    plain = compute_guide(newborn, answers={"parents_ethnicity": "same"})
    mixed = compute_guide(newborn, answers={"parents_ethnicity": "different"})
    names = {m.name for m in mixed.materials} - {m.name for m in plain.materials}
    assert names == {"民族成份申请"}
    with pytest.raises(GuideError) as caught:
        compute_guide(newborn, answers={"parents_ethnicity": "maybe"})
    assert caught.value.code == "answer_not_an_option" and "相同" in caught.value.message
    with pytest.raises(GuideError) as caught:
        compute_guide(newborn, answers={"no_such_question": "x"})
    assert caught.value.code == "unknown_situation"


def test_a_subset_needs_its_predecessors_unless_their_result_is_held(newborn):
    registration = "000709105001"  # 出生登记 needs 出生医学证明首次签发
    with pytest.raises(GuideError) as caught:
        compute_guide(newborn, chosen=[registration])
    assert caught.value.code == "missing_predecessor"
    assert "出生医学证明首次签发" in caught.value.message
    held = ["出生医学证明", "婚姻登记信息核验结果"]
    guide = compute_guide(newborn, chosen=[registration], held_results=held)
    assert [i.code for i in guide.items] == [registration]
    with pytest.raises(GuideError) as caught:
        compute_guide(newborn, chosen=["nope"])
    assert caught.value.code == "unknown_item"


def test_every_published_one_thing_computes(catalog):
    for version in OneThingVersion.objects.all():
        guide = compute_guide(version.snapshot, start=dt.date(2026, 1, 5))
        assert guide.items and guide.statutory_days <= guide.serial_days


# ---------------------------------------------------------------- generated one-things

SOURCES = ["applicant", "applicant", "certificate", "data", "template", "item"]
FORMS = ["original", "copy", "original_and_copy", "electronic"]


@st.composite
def one_things(draw):
    count = draw(st.integers(min_value=1, max_value=7))
    codes = [f"I{n}" for n in range(count)]
    items = []
    for code in codes:
        materials = []
        for _ in range(draw(st.integers(0, 4))):
            source = draw(st.sampled_from(SOURCES))
            ref = (
                draw(st.sampled_from(codes))
                if source == "item"
                else ("" if source in {"applicant", "template"} else "ref")
            )
            materials.append(
                {
                    "name": draw(st.sampled_from(["身份证", "户口簿", "申请表", "照片", "证明"])),
                    "form": draw(st.sampled_from(FORMS)),
                    "count": draw(st.integers(1, 3)),
                    "required": draw(st.booleans()),
                    "source": source,
                    "source_ref": ref,
                }
            )
        fields = [
            {
                "element": e,
                "label": e,
                "required": draw(st.booleans()),
                "name": e,
                "type": "string",
                "pii": "none",
                "source": "",
                "choices": [],
            }
            for e in draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True))
        ]
        items.append(
            {
                "code": code,
                "name": f"事项{code}",
                "department": "部门",
                "required": True,
                "statutory_days": draw(st.integers(1, 30)),
                "promised_days": 1,
                "fee": None,
                "result": {"type": "decision", "name": f"结果{code}"},
                "commitment": False,
                "visits_alone": draw(st.integers(0, 3)),
                "materials": materials,
                "fields": fields,
            }
        )
    # edges only from earlier to later items: always acyclic
    pairs = [(a, b) for i, a in enumerate(codes) for b in codes[i + 1 :]]
    precedence = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    return {
        "code": "X",
        "name": "测试",
        "items": items,
        "precedence": [list(p) for p in precedence],
        "groups": [],
        "situations": [],
        "official_figures": None,
    }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(snapshot=one_things())
def test_merging_never_loses_a_material_and_never_lists_one_twice(db, snapshot):
    guide = compute_guide(snapshot, start=dt.date(2026, 1, 5))
    keys = [(m.name, m.source, m.source_ref) for m in guide.materials]
    assert len(keys) == len(set(keys))
    merged = {(m.name, m.source, m.source_ref): m for m in guide.materials}
    for item in snapshot["items"]:
        for material in item["materials"]:
            entry = merged[(material["name"], material["source"], material["source_ref"])]
            assert item["name"] in entry.items
            if material["required"]:
                assert entry.required
            assert entry.count >= material["count"]
    fields = [f.element for f in guide.form]
    assert len(fields) == len(set(fields))
    assert set(fields) == {f["element"] for i in snapshot["items"] for f in i["fields"]}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(snapshot=one_things())
def test_the_critical_path_never_exceeds_the_serial_sum(db, snapshot):
    guide = compute_guide(snapshot, start=dt.date(2026, 1, 5))
    longest_single = max(i.statutory_days for i in guide.items)
    assert longest_single <= guide.statutory_days <= guide.serial_days
    for before, after in guide.precedence:
        items = {i.code: i for i in guide.items}
        assert items[after].earliest_start >= items[before].finish


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(snapshot=one_things(), data=st.data())
def test_every_accepted_subset_has_its_predecessors(db, snapshot, data):
    codes = [i["code"] for i in snapshot["items"]]
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    try:
        guide = compute_guide(snapshot, chosen=chosen, start=dt.date(2026, 1, 5))
    except GuideError as exc:
        assert exc.code == "missing_predecessor"
        assert exc.details["missing"] not in chosen and exc.details["item"] in chosen
        return
    present = {i.code for i in guide.items}
    assert present == set(chosen)
    for before, after in snapshot["precedence"]:
        if after in present:
            assert before in present
