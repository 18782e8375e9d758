"""Reading the YAML data files kept in the repository.

Errors name the file, the entry and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ValidationFailed


class LoadError(ValidationFailed):
    """A data file is malformed or refers to something unknown. Nothing is loaded."""

    @classmethod
    def at(cls, path: Path, entry: object, field: str, zh: str, en: str) -> LoadError:
        where = f"{path.name}，条目 {entry}，字段 {field}"
        where_en = f"{path.name}, entry {entry}, field {field}"
        return cls(
            code="data_file_invalid",
            message=f"{where}：{zh}",
            message_en=f"{where_en}: {en}",
            details={"file": str(path), "entry": str(entry), "field": field},
        )


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise LoadError.at(path, "-", "-", "文件不存在", "file not found") from exc
    except UnicodeDecodeError as exc:  # found by atheris (fuzz/fuzz_catalog_loader.py)
        raise LoadError.at(
            path, f"第{exc.start}字节", "-", "文件不是 UTF-8 编码", "the file is not UTF-8"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第{mark.line + 1}行" if mark else ""
        raise LoadError.at(
            path, line or "-", "-", f"YAML 格式错误：{exc}", f"malformed YAML: {exc}"
        ) from exc


def need(path: Path, entry: object, data: dict[str, Any], key: str, kind: type = object) -> Any:
    """The value of a required key, of the expected type."""
    if not isinstance(data, dict):
        raise LoadError.at(path, entry, "-", "条目应为键值对", "entry must be a mapping")
    if key not in data or data[key] in (None, ""):
        raise LoadError.at(path, entry, key, "缺少必填字段", "required field is missing")
    value = data[key]
    if kind is not object and not isinstance(value, kind):
        raise LoadError.at(
            path, entry, key, f"类型应为 {kind.__name__}", f"must be of type {kind.__name__}"
        )
    return value
