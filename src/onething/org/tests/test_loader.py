from pathlib import Path

import pytest

from onething.core.dataload import LoadError
from onething.org.loader import DATA_DIR, load_org
from onething.org.models import Department, Hall, Region


def test_regions_form_a_tree_with_gbt2260_codes(org):
    jurong = Region.objects.get(code="321183")
    assert jurong.full_name == "江苏省镇江市句容市"
    assert jurong.path == "320000/321100/321183/"
    streets = set(jurong.children.values_list("name", flat=True))
    assert {"崇明街道", "华阳街道", "黄梅街道"} <= streets
    for street in jurong.children.all():
        assert street.code.startswith("321183") and len(street.code) == 9
    assert Region.objects.get(code="320115").parent.name == "南京市"


def test_every_kind_has_a_department_in_both_counties(org):
    for county in ("321183", "320115"):
        kinds = set(
            Department.objects.filter(region__code=county).values_list("kind__code", flat=True)
        )
        assert "health" in kinds and "police" in kinds and "street" not in kinds
    assert Department.objects.get(region__code="321183", kind__code="health").name == (
        "句容市卫生健康委员会"
    )
    assert Department.objects.get(region__code="320115", kind__code="health").name == (
        "南京市江宁区卫生健康委员会"
    )
    assert Department.objects.get(region__code="321183", kind__code="pbc").name == (
        "人民银行句容市支行"
    )
    assert Department.objects.filter(region__code="321183002", kind__code="street").exists()


def test_halls_have_comprehensive_windows(org):
    hall = Hall.objects.get(code="JR-ZWFW")
    assert hall.region.code == "321183"
    assert any("综合受理" in w.name for w in hall.windows.all())


def test_loading_twice_changes_nothing(org):
    before = Department.objects.count(), Region.objects.count()
    load_org()
    assert (Department.objects.count(), Region.objects.count()) == before


def _copy_data(tmp_path: Path) -> Path:
    for source in DATA_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def test_unknown_parent_names_file_entry_and_field(db, tmp_path):
    before = Region.objects.count()
    data = _copy_data(tmp_path)
    regions = data / "regions.yaml"
    regions.write_text(
        regions.read_text(encoding="utf-8")
        + ('- {code: "999999", name: 无名县, level: county, parent: "888888"}\n'),
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        load_org(data)
    assert "regions.yaml" in caught.value.message and "999999" in caught.value.message
    assert caught.value.details["field"] == "parent"
    assert Region.objects.count() == before  # one transaction: nothing half-loaded
    assert not Region.objects.filter(code="999999").exists()


def test_malformed_yaml_is_reported_with_its_line(db, tmp_path):
    before = Department.objects.count()
    data = _copy_data(tmp_path)
    regions = data / "regions.yaml"  # a change that would be written before the failure
    regions.write_text(
        regions.read_text(encoding="utf-8").replace("name: 句容市,", "name: 句容县,"),
        encoding="utf-8",
    )
    (data / "departments.yaml").write_text("departments: [\n  {region: ", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_org(data)
    assert "departments.yaml" in caught.value.message and "YAML" in caught.value.message
    assert Department.objects.count() == before
    assert Region.objects.get(code="321183").name == "句容市"  # rolled back
