"""The sharing agreements file: loads, reloads in place, names the place of every error, and
covers what each one-thing's lead department prefills."""

from __future__ import annotations

from pathlib import Path

import pytest

from onething.catalog.models import OneThing
from onething.catalog.selectors import version_current
from onething.core.dataload import LoadError
from onething.datahub.agreements import AGREEMENTS_FILE, load_agreements
from onething.datahub.models import SharingAgreement
from onething.datahub.registry import register
from onething.datahub.selectors import agreement_covering

GOOD = """
- requester: 市卫健委
  provider: 市公安局
  resource: population
  items: [name, id_number]
  cycle: realtime
  method: api
  scope: 新生儿出生
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agreements.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads_and_reloads_in_place(org):
    counts = load_agreements()
    assert counts["agreements"] >= 40 and counts["retired"] == 0
    first = dict(SharingAgreement.objects.values_list("pk", "resource"))
    assert load_agreements() == {"agreements": counts["agreements"], "retired": 0}
    assert dict(SharingAgreement.objects.values_list("pk", "resource")) == first
    for agreement in SharingAgreement.objects.select_related("providing_kind"):
        provider = register[agreement.resource]
        assert agreement.providing_kind.seed_name == provider.department_kind
        assert set(agreement.items) <= set(provider.fields)


def test_an_entry_removed_from_the_file_is_deactivated_not_deleted(org, tmp_path):
    load_agreements()
    total = SharingAgreement.objects.count()
    counts = load_agreements(write(tmp_path, GOOD))
    assert counts == {"agreements": 1, "retired": total - 1}
    assert SharingAgreement.objects.count() == total
    assert SharingAgreement.objects.filter(active=True).count() == 1


def test_every_lead_department_may_read_what_its_one_thing_prefills(catalog):
    load_agreements()
    missing = []
    for one_thing in OneThing.objects.filter(status=OneThing.Status.PUBLISHED):
        snapshot = version_current(one_thing.code).snapshot
        lead = next(d for d in snapshot["departments"] if d["role"] == "lead")
        kind_id = one_thing.departments.get(role="lead").kind_id
        for item in snapshot["items"]:
            for spec in item["fields"]:
                if not spec["source"] or spec["element"].split("_")[0] in ("employee", "deceased"):
                    continue
                if spec["element"] == "child_id_number":
                    continue
                resource, _, field = spec["source"].partition(".")
                if agreement_covering(kind_id=kind_id, resource=resource, fields=[field]) is None:
                    missing.append(f"{one_thing.name}: {lead['name']} ← {spec['source']}")
    assert not missing, "\n".join(sorted(set(missing)))


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            ("requester: 市卫健委", "requester: 市卫生局"),
            "requester",
            "没有名为“市卫生局”的部门类别",
        ),
        (("resource: population", "resource: census"), "resource", "没有名为“census”的共享数据源"),
        (("provider: 市公安局", "provider: 市民政局"), "provider", "由市公安局提供"),
        (("[name, id_number]", "[name, shoe_size]"), "items", "没有数据项 shoe_size"),
        (("cycle: realtime", "cycle: hourly"), "cycle", "更新周期应为"),
        (("method: api", "method: fax"), "method", "共享方式应为"),
        (("  scope: 新生儿出生\n", ""), "scope", "缺少必填字段"),
    ],
)
def test_an_error_names_the_file_the_entry_and_the_field(org, tmp_path, change, field, words):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(LoadError) as caught:
        load_agreements(path)
    error = caught.value
    assert error.details["file"] == str(path)
    assert error.details["field"] == field
    assert error.details["entry"].startswith("#1")
    assert "agreements.yaml" in error.message and words in error.message
    assert SharingAgreement.objects.count() == 0  # nothing loaded


def test_a_duplicate_entry_is_an_error(org, tmp_path):
    with pytest.raises(LoadError) as caught:
        load_agreements(write(tmp_path, GOOD + GOOD))
    assert caught.value.details["entry"].startswith("#2")
    assert "与条目 #1" in caught.value.message


def test_malformed_yaml_is_an_error(org, tmp_path):
    with pytest.raises(LoadError) as caught:
        load_agreements(write(tmp_path, "- requester: [unclosed"))
    assert "YAML" in caught.value.message


def test_the_shipped_file_is_where_the_loader_looks():
    assert AGREEMENTS_FILE.name == "agreements.yaml" and AGREEMENTS_FILE.exists()
