"""Round trips through YAML, JSON and Excel, and workbooks that must be rejected whole."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from onething.catalog.exchange import (
    SHEETS,
    export_bundle,
    load_bundle,
    read_bundle,
    read_json,
    read_workbook,
    write_json,
    write_workbook,
    write_yaml_dir,
)
from onething.catalog.loader import DATA_DIR
from onething.catalog.models import (
    DataElement,
    ItemField,
    MaterialRequirement,
    OneThing,
    OneThingDepartment,
    OneThingItem,
    OneThingVersion,
    ServiceItem,
)
from onething.core.dataload import LoadError


def state():
    """Counts of every catalog table and every published version (number, digest)."""
    counts = tuple(
        model.objects.count()
        for model in (DataElement, ServiceItem, MaterialRequirement, ItemField, OneThing)
    )
    versions = sorted(OneThingVersion.objects.values_list("one_thing__code", "number", "digest"))
    return counts, versions


def write_then_read(fmt: str, tmp_path: Path):
    bundle = export_bundle()
    if fmt == "xlsx":
        write_workbook(bundle, tmp_path / "catalog.xlsx")
        return read_workbook(tmp_path / "catalog.xlsx")
    if fmt == "json":
        write_json(bundle, tmp_path / "catalog.json")
        return read_json(tmp_path / "catalog.json")
    write_yaml_dir(bundle, tmp_path / "data")
    return read_bundle(tmp_path / "data")


@pytest.mark.parametrize("fmt", ["xlsx", "json", "yaml"])
def test_export_and_import_again_changes_nothing(catalog, tmp_path, fmt):
    before, exported = state(), export_bundle()

    bundle = write_then_read(fmt, tmp_path)
    assert bundle == exported
    load_bundle(bundle)

    assert state() == before
    assert export_bundle() == exported


def test_workbook_rebuilds_an_empty_catalog_with_the_same_versions(catalog, tmp_path):
    exported, before = export_bundle(), state()
    write_workbook(exported, tmp_path / "catalog.xlsx")
    for model in (OneThingVersion, OneThingItem, OneThingDepartment, OneThing, ServiceItem):
        model.objects.all().delete()
    DataElement.objects.all().delete()
    assert not ServiceItem.objects.exists()

    load_bundle(read_workbook(tmp_path / "catalog.xlsx"))

    assert export_bundle() == exported
    assert state() == before  # every version is number 1 again, with the same digest


def test_one_things_come_out_as_the_data_files_describe_them(catalog):
    exported = {d["code"]: d for k, d in export_bundle().items() if k.startswith("one_things/")}
    for key, data in read_bundle(DATA_DIR).items():
        if key.startswith("one_things/"):
            ours = exported[data["code"]]
            for field in ("items", "precedence", "groups", "situations", "cooperating"):
                assert ours[field] == (data.get(field) or []), (key, field)
            assert ours["official_figures"] == data.get("official_figures"), key


def edit(path: Path, sheet: str, change) -> None:
    book = load_workbook(path)
    change(book[sheet])
    book.save(path)


def header_column(sheet, key: str) -> int:
    return next(c.column for c in sheet[1] if str(c.value).endswith(f" {key}"))


def item_row(sheet, code: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


@pytest.fixture
def workbook(catalog, tmp_path) -> Path:
    path = tmp_path / "catalog.xlsx"
    write_workbook(export_bundle(), path)
    return path


def shared_item() -> ServiceItem:
    """An item in more than one one-thing whose promised limit can be shortened."""
    return next(
        item
        for item in ServiceItem.objects.filter(promised_days__gt=1).order_by("code")
        if item.one_things.count() >= 2
    )


def test_edited_promised_days_publish_new_versions_of_its_one_things(workbook):
    item = shared_item()
    containing = set(item.one_things.values_list("code", flat=True))
    old_days = item.promised_days
    latest = {o.code: o.versions.first().number for o in OneThing.objects.all()}

    def shorten(sheet):
        sheet.cell(item_row(sheet, item.code), header_column(sheet, "promised_days")).value = 1

    edit(workbook, "事项", shorten)
    call_command("catalog", "import", str(workbook))

    item.refresh_from_db()
    assert item.promised_days == 1
    for one_thing in OneThing.objects.all():
        version = one_thing.versions.first()
        expected = latest[one_thing.code] + (one_thing.code in containing)
        assert version.number == expected, one_thing.code
        if one_thing.code in containing:
            path = f"items.{item.code}.promised_days"
            assert {"path": path, "old": old_days, "new": 1} in version.diff


def test_renamed_header_is_rejected_and_nothing_changes(workbook):
    item, before = shared_item(), state()

    def rename_and_edit(sheet):
        sheet.cell(item_row(sheet, item.code), header_column(sheet, "promised_days")).value = 1
        sheet.cell(1, header_column(sheet, "promised_days")).value = "承诺办结时限 promised_days"

    edit(workbook, "事项", rename_and_edit)
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "import", str(workbook))

    error = caught.value.__cause__
    assert isinstance(error, LoadError)
    assert error.details["entry"] == "事项 第1行"
    assert error.details["field"] == "承诺办结时限 promised_days"
    assert "承诺时限 promised_days" in error.message  # the header it expected
    assert state() == before
    item.refresh_from_db()
    assert item.promised_days > 1


def test_bad_number_names_sheet_row_and_column(workbook):
    item, before = shared_item(), state()
    rows = {}

    def spoil(sheet):
        rows["row"] = item_row(sheet, item.code)
        sheet.cell(rows["row"], header_column(sheet, "statutory_days")).value = "十天"

    edit(workbook, "事项", spoil)
    with pytest.raises(LoadError) as caught:
        read_workbook(workbook)

    assert caught.value.details["entry"] == f"事项 第{rows['row']}行"
    assert caught.value.details["field"] == "法定时限 statutory_days"
    assert "十天" in caught.value.message
    assert state() == before


def test_unknown_sheet_and_missing_column_are_rejected(workbook):
    book = load_workbook(workbook)
    book.create_sheet("草稿")
    book.save(workbook)
    with pytest.raises(LoadError) as caught:
        read_workbook(workbook)
    assert "草稿" in caught.value.message and "unknown sheet" in caught.value.message_en

    del book["草稿"]
    book["材料"].delete_cols(header_column(book["材料"], "form"))
    book.save(workbook)
    with pytest.raises(LoadError) as caught:
        read_workbook(workbook)
    assert caught.value.details["entry"] == "材料 第1行"
    assert caught.value.details["field"] == "材料形式 form"


def test_a_loader_error_rolls_back_the_whole_workbook(workbook):
    before = state()
    book = load_workbook(workbook)
    items, fields = book["事项"], book["表单字段"]
    items.cell(2, header_column(items, "name")).value = "改过的名称"
    fields.cell(3, header_column(fields, "element")).value = "no_such_element"
    book.save(workbook)

    with pytest.raises(LoadError) as caught:
        load_bundle(read_workbook(workbook))

    assert "no_such_element" in caught.value.message
    assert state() == before
    assert not ServiceItem.objects.filter(name="改过的名称").exists()


def test_export_command_writes_every_sheet(catalog, tmp_path, capsys):
    call_command("catalog", "export", "--format", "xlsx", "--out", str(tmp_path / "c.xlsx"))
    book = load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["说明", *SHEETS]
    assert book["事项"].freeze_panes == "A2"
    assert "已导出" in capsys.readouterr().out


def test_yaml_export_refuses_a_directory_with_files_in_it(catalog, tmp_path):
    (tmp_path / "old.yaml").write_text("- stale\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not empty"):
        call_command("catalog", "export", "--format", "yaml", "--out", str(tmp_path))
    call_command("catalog", "export", "--format", "yaml", "--out", str(tmp_path / "new"))
    call_command("catalog", "import", str(tmp_path / "new"))
