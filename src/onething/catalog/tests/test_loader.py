import shutil
from pathlib import Path

import pytest
import yaml

from onething.catalog.loader import DATA_DIR, load_catalog
from onething.catalog.models import OneThing, ServiceItem
from onething.core.dataload import LoadError

# 句协调办发〔2023〕1号, Appendix 1: 序号, name, national (*), lead, cooperating departments.
SEED_TABLE = [
    (
        1,
        "企业开办",
        True,
        "市行政审批局",
        "市公安局、人民银行句容市支行、市税务局、市人社局、市住房公积金管理中心",
    ),
    (2, "企业准营（开办餐饮店）", True, "市行政审批局", "市城管局、市消防救援大队"),
    (3, "就业登记（员工录用）", True, "市人社局", "市医保局、市住房公积金管理中心"),
    (4, "就业登记（灵活就业）", True, "市人社局", "市医保局、市住房公积金管理中心"),
    (5, "涉企不动产登记", True, "市自然资源和规划局", "市税务局"),
    (6, "企业简易注销", True, "市行政审批局", "市税务局、市人民法院、市人社局、市商务局"),
    (7, "新生儿出生", True, "市卫健委", "市公安局、市民政局、市人社局、市医保局、市税务局"),
    (8, "结婚（公民婚育）", True, "市民政局", "市公安局、市卫健委"),
    (9, "扶残助困", True, "市残联", "市民政局、市人社局、市医保局"),
    (10, "军人退役", True, "市退役军人事务局", "市公安局、市人社局、市医保局"),
    (
        11,
        "二手房转移登记及水电气联动过户",
        True,
        "市自然资源和规划局",
        "市住建局、市税务局、市财政局、市供电公司、句投集团",
    ),
    (12, "退休（企业职工退休）", True, "市人社局", "市卫健委、市医保局、市住房公积金管理中心"),
    (
        13,
        "公民身后",
        True,
        "市民政局",
        "市公安局、市人社局、市卫健委、市退役军人事务局、市医保局、市残联、市司法局、"
        "市住房公积金管理中心",
    ),
    (14, "重大项目建设审批", False, "市行政审批局", "市自然资源和规划局、市住建局、市交通运输局"),
    (15, "人才服务", False, "市人社局", "市公安局、市住建局"),
    (16, "教育入学", False, "市教育局", "市公安局、市人社局、市自然资源和规划局、市卫健委"),
    (17, "尊老金申报", False, "市民政局", "市公安局"),
    (18, "基本医疗保险参保人员医疗费用报销", False, "市医保局", ""),
    (19, "网约车申请", False, "市交通运输局", "市公安局"),
    (20, "开办运输企业", False, "市交通运输局", "市公安局"),
    (21, "开办旅馆", False, "市公安局", "市城管局、市行政审批局、市消防救援大队"),
    (22, "开办网吧", False, "市行政审批局", "市城管局、市卫健委、市市场监管局、市消防救援大队"),
    (
        23,
        "公租房申请",
        False,
        "市住建局",
        "市公安局、市民政局、市人社局、市自然资源和规划局、崇明街道、华阳街道、黄梅街道",
    ),
    (24, "知识产权保护", False, "市市场监管局", "市司法局、市农业农村局、市文广旅局、市新闻出版局"),
    (25, "开办便利店", False, "市行政审批局", "市公安局、市卫健委、市城管局、市烟草专卖局"),
    (26, "开办药店", False, "市行政审批局", "市城管局、市消防救援大队"),
]


def test_all_26_one_things_match_the_seed_table(catalog):
    loaded = {o.seq: o for o in OneThing.objects.prefetch_related("departments", "entries")}
    assert sorted(loaded) == list(range(1, 27))
    for seq, name, national, lead, cooperating in SEED_TABLE:
        one_thing = loaded[seq]
        assert one_thing.name == name
        assert one_thing.national is national, name
        assert one_thing.lead.listed_name == lead, name
        expected = [n for n in cooperating.split("、") if n]
        assert [d.listed_name for d in one_thing.cooperating] == expected, name
        assert one_thing.entries.count() >= 1, name
        assert one_thing.status == OneThing.Status.PUBLISHED


def test_street_offices_are_departments_of_their_street(catalog):
    listing = OneThing.objects.get(seq=23).departments.get(listed_name="华阳街道")
    assert listing.kind.code == "street" and listing.region.code == "321183002"


def test_every_item_of_a_one_thing_belongs_to_one_of_its_departments(catalog):
    for one_thing in OneThing.objects.prefetch_related("departments", "entries__item"):
        kinds = {d.kind_id for d in one_thing.departments.all()}
        for entry in one_thing.entries.all():
            assert entry.item.department_kind_id in kinds, (one_thing.name, entry.item.name)


def test_loading_twice_is_idempotent(catalog):
    before = ServiceItem.objects.count(), OneThing.objects.count()
    load_catalog()
    assert (ServiceItem.objects.count(), OneThing.objects.count()) == before


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_unknown_department_names_file_entry_and_field(org, data_copy):
    police = data_copy / "items" / "police.yaml"  # loaded before the bad one-thing
    police.write_text(
        police.read_text(encoding="utf-8").replace(
            "name: 出生登记\n", "name: 出生登记（已改）\n", 1
        ),
        encoding="utf-8",
    )
    assert "出生登记（已改）" in police.read_text(encoding="utf-8")
    path = next((data_copy / "one_things").glob("07-*.yaml"))
    text = path.read_text(encoding="utf-8").replace("lead: 市卫健委", "lead: 市卫生厅", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_catalog(data_copy)
    assert path.name in caught.value.message and "市卫生厅" in caught.value.message
    assert caught.value.details["field"] == "lead"
    assert not ServiceItem.objects.filter(name="出生登记（已改）").exists()  # rolled back


def test_malformed_catalog_file_loads_nothing(org, data_copy):
    before = ServiceItem.objects.count()
    (data_copy / "one_things" / "99-broken.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_catalog(data_copy)
    assert "99-broken.yaml" in caught.value.message
    assert "malformed YAML" in caught.value.message_en
    assert ServiceItem.objects.count() == before


def test_unknown_data_element_is_named(org, data_copy):
    path = data_copy / "items" / "police.yaml"
    text = path.read_text(encoding="utf-8")
    first_element = text.split("element: ", 1)[1].split(",", 1)[0].split("}", 1)[0].strip()
    path.write_text(
        text.replace(f"element: {first_element}", "element: no_such_element", 1), encoding="utf-8"
    )
    with pytest.raises(LoadError) as caught:
        load_catalog(data_copy)
    assert "no_such_element" in caught.value.message
    assert caught.value.details["field"] == "element"


def test_reloading_leaves_what_editors_have_open_or_retired(catalog):
    from onething.catalog.publishing import one_thing_edit, one_thing_retire

    draft, retired = OneThing.objects.get(seq=7), OneThing.objects.get(seq=8)
    one_thing_edit(one_thing=draft, actor=None)
    one_thing_retire(one_thing=retired, actor=None)
    load_catalog()
    draft.refresh_from_db()
    retired.refresh_from_db()
    assert draft.status == OneThing.Status.DRAFT and retired.status == OneThing.Status.RETIRED


def test_a_bad_count_is_named(org, data_copy):
    path = data_copy / "items" / "police.yaml"
    text = path.read_text(encoding="utf-8").replace("count: 1", "count: 两份", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_catalog(data_copy)
    assert caught.value.details["field"] == "count" and "整数" in caught.value.message


@pytest.mark.parametrize("key", ["materials", "fields"])
def test_a_list_that_is_not_a_list_is_named(org, data_copy, key):
    """Found by the fuzz test: ``materials: true`` once ended in a TypeError, not a LoadError."""
    path = data_copy / "items" / "police.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0][key] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_catalog(data_copy)
    assert caught.value.details["field"] == key and "格式不正确" in caught.value.message
