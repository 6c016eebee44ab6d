"""Loading maintainers' YAML files so every problem can name its line."""

from __future__ import annotations

from pathlib import Path

import yaml

from .problems import Problem


class LineDict(dict):
    """A mapping that remembers the line it started on."""

    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text, checked where they are used: PyYAML's own date reading raises a bare
# ValueError on 2024-13-01 instead of a problem with a line.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def load(path: Path) -> tuple[object, list[Problem]]:
    text, problems = read(path)
    return (None, problems) if text is None else parse(text, str(path))


def read(path: Path) -> tuple[str | None, list[Problem]]:
    try:
        return path.read_text(encoding="utf-8"), []
    except FileNotFoundError:
        return None, [Problem(str(path), 0, "file not found")]
    except UnicodeDecodeError:
        return None, [Problem(str(path), 0, "not UTF-8 text")]


def parse(text: str, where: str) -> tuple[object, list[Problem]]:
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else 0
        return None, [Problem(where, line, f"invalid YAML: {e.problem}")]
    except yaml.YAMLError as e:
        return None, [Problem(where, 0, f"invalid YAML: {e}")]


def check_keys(item: object, path: str, allowed: set[str], required: set[str], what: str) -> list[Problem]:
    line = getattr(item, "line", 0)
    if not isinstance(item, dict):
        return [Problem(path, line, f"each {what} must be a mapping of keys to values")]
    problems = [
        Problem(path, line, f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
        for key in item
        if key not in allowed
    ]
    problems += [Problem(path, line, f"{what} is missing {key!r}") for key in sorted(required - item.keys())]
    return problems


def string_list(item: dict, key: str, path: str, what: str) -> tuple[tuple[str, ...], list[Problem]]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return (), [Problem(path, getattr(item, "line", 0), f"{what}: {key!r} must be a list of non-empty strings")]
    return tuple(value), []
