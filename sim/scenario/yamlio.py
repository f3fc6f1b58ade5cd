"""Safe YAML loading that remembers where every value came from.

`load_tracked(path)` returns the data plus a map from each field path (a tuple of keys
and list indices) to `(file, line)`. `extends:` chains are resolved here: mappings merge
key by key, lists replace, and each value keeps the origin of the file that set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re

import yaml

from sim.errors import UserError

Path_ = tuple  # a field path such as ("actors", "RUS", "economy")


PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class SafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader, but only true/false are booleans (YAML 1.2): `on:`, `no:` stay strings."""


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class Tracked:
    """Loaded data plus the file and line each field path was written at."""

    data: Any
    origins: dict[Path_, tuple[str, int]] = field(default_factory=dict)
    file: str = "<string>"

    def where(self, path: Path_) -> tuple[str, int]:
        """The (file, line) of a path, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.origins:
                return self.origins[path]
            path = path[:-1]
        return self.origins.get((), (self.file, 1))

    def message(self, path: Path_, problem: str) -> str:
        file, line = self.where(path)
        dotted = ".".join(str(p) for p in path) or "(top level)"
        if not line:  # a value from the command line (an override), not from a file
            return f"{file}: {dotted}: {problem}"
        return f"{file}:{line}: {dotted}: {problem}"


def _to_python(node: yaml.Node, loader: SafeLoader, path: Path_, file: str,
               origins: dict, errors: list[str]) -> Any:
    origins[path] = (file, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in PLAIN_TAGS:
        errors.append(f"{file}:{node.start_mark.line + 1}: {'.'.join(map(str, path)) or '(top level)'}: "
                      f"the tag {node.tag} is not allowed (plain YAML mappings and lists)")
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                errors.append(f"{file}:{key_node.start_mark.line + 1}: "
                              f"{'.'.join(map(str, path)) or '(top level)'}: a key must be a plain value")
                continue
            if key in out:
                errors.append(f"{file}:{key_node.start_mark.line + 1}: "
                              f"{'.'.join(map(str, path + (key,)))}: duplicate key "
                              f"(each id or field may appear once; first at line "
                              f"{origins[path + (key,)][1]})")
                continue
            out[key] = _to_python(value_node, loader, path + (key,), file, origins, errors)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, loader, path + (i,), file, origins, errors)
                for i, v in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str) -> Tracked:
    """Parse YAML text safely, tracking lines; raises UserError on any problem."""
    try:
        loader = SafeLoader(text)
    except yaml.YAMLError as exc:        # e.g. a NUL byte: not text at all
        raise UserError(f"{file}:1: not valid YAML: {getattr(exc, 'reason', exc)} (a YAML text file)") from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise UserError(f"{file}:{line}: not valid YAML: {exc.problem or exc.context} "
                        f"(check the indentation, colons and quotes on this line and the one above)") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{file}:1: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    origins: dict = {}
    errors: list[str] = []
    if node is None:
        return Tracked({}, {(): (file, 1)}, file)
    try:
        data = _to_python(node, loader, (), file, origins, errors)
    except yaml.YAMLError as exc:
        raise UserError(f"{file}:1: not valid YAML: {exc}") from None
    if errors:
        raise UserError(errors)
    return Tracked(data, origins, file)


def read_text(path: Path | str, what: str = "a YAML file") -> str:
    """A file's text, or a UserError naming the file and what was expected."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file (a path to {what})") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder (a path to {what})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text (a YAML text file)") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror} (a readable file)") from None


def read_yaml(path: Path | str) -> Tracked:
    return parse_yaml(read_text(path), str(path))


def merge(base: Tracked, child: Tracked) -> Tracked:
    """Child over base: mappings merge key by key, everything else replaces."""
    origins = dict(base.origins)

    def drop_under(path: Path_) -> None:
        for p in [p for p in origins if p[:len(path)] == path and len(p) > len(path)]:
            del origins[p]

    def go(b: Any, c: Any, path: Path_) -> Any:
        if isinstance(b, dict) and isinstance(c, dict):
            out = dict(b)
            for k, v in c.items():
                out[k] = go(b.get(k), v, path + (k,)) if k in b else _take(v, path + (k,))
            origins[path] = child.origins.get(path, origins.get(path))
            return out
        return _take(c, path)

    def _take(value: Any, path: Path_) -> Any:
        drop_under(path)
        for p, o in child.origins.items():
            if p[:len(path)] == path:
                origins[p] = o
        return value

    data = go(base.data, child.data, ())
    return Tracked(data, origins, child.file)


def load_with_extends(path: Path | str, _chain: tuple[Path, ...] = ()) -> Tracked:
    """Read a YAML file and resolve its `extends:` chain (relative to the file)."""
    path = Path(path).resolve() if _chain else Path(path)
    key = Path(path).resolve()
    if key in _chain:
        cycle = " -> ".join(str(p.name) for p in _chain + (key,))
        raise UserError(f"{path}:1: extends: cycle in extends ({cycle}); "
                        f"(a chain of scenarios that ends)")
    tracked = read_yaml(path)
    if not isinstance(tracked.data, dict):
        raise UserError(f"{path}:1: (top level): the file must hold a mapping of fields "
                        f"(name: ..., actors: ...)")
    parent = tracked.data.pop("extends", None)
    if parent is None:
        return tracked
    if not isinstance(parent, str):
        raise UserError(tracked.message(("extends",), "must be a file name (e.g. extends: feb2022_baseline.yaml)"))
    parent_path = Path(path).parent / parent
    if not parent_path.exists():
        raise UserError(tracked.message(("extends",), f"no such file {parent_path} "
                                        "(a scenario path relative to this file)"))
    base = load_with_extends(parent_path, _chain + (key,))
    return merge(base, tracked)
