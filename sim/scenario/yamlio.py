"""Safe YAML loading that remembers where every value came from, within fixed limits.

`load_tracked(path)` returns the data plus a map from each field path (a tuple of keys
and list indices) to `(file, line)`. `extends:` chains are resolved here: mappings merge
key by key, lists replace, and each value keeps the origin of the file that set it.

Every file is checked against the limits below before it is converted to Python values,
so a hostile file (a "billion laughs" of aliases, a 1,000-level nesting, /dev/zero)
costs milliseconds and gets one message naming the file and the limit. docs/LIMITS.md
lists them for users.
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re

import yaml

from sim.errors import UserError

Path_ = tuple  # a field path such as ("actors", "RUS", "economy")

MAX_FILE_BYTES = 1_000_000
"""Largest scenario or sweep file read, in bytes (the shipped scenarios are under 20 KB)."""
MAX_NODES = 100_000
"""Most values (mappings, lists, keys and scalars) one file may hold once its aliases are expanded."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists, aliases expanded (the shipped scenarios nest 6 levels)."""
MAX_SCALAR_CHARS = 10_000
"""Longest single value or key, in characters."""
MAX_INT = 2**63 - 1
"""Largest whole number (in absolute value) a file may write."""
EXCERPT_CHARS = 60
"""Messages quote at most this many characters of a value."""

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "scenarios"
"""The shipped scenarios: any file may extend them (by name, or by a path into this folder)."""


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """repr(value), cut to about `limit` characters with its full length noted."""
    text = value if isinstance(value, str) else None
    shown = repr(text[:limit] if text is not None else value)
    if text is not None and len(text) > limit:
        return f"{shown[:-1]}...{shown[-1]} ({len(text):,} characters)"
    if len(shown) > limit + 10:
        return shown[:limit] + "..."
    return shown


PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class SafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader, but only true/false are booleans (YAML 1.2): `on:`, `no:` stay strings."""


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _Limit(Exception):
    """A limit exceeded while composing; carries the line and the problem."""

    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line, self.problem = line, problem


class LimitedLoader(SafeLoader):
    """SafeLoader whose composer counts as it goes: nesting depth, and each node's size and
    depth with its aliases expanded, so a file is refused before anything is expanded."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._size: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded nodes, expanded depth)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if node is not None and id(node) not in self._size:
                raise _Limit(event.start_mark.line + 1,
                             f"the alias *{event.anchor} refers to a value that contains it (a recursive "
                             "alias never ends; write the value out, or alias a finished one)")
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Limit(self.peek_event().start_mark.line + 1,
                         f"nested deeper than {MAX_DEPTH} levels (the limit; scenarios nest about 6)")
        node = super().compose_node(parent, index)
        self._depth -= 1
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > MAX_SCALAR_CHARS:
                raise _Limit(node.start_mark.line + 1,
                             f"a value of {len(node.value):,} characters (at most {MAX_SCALAR_CHARS:,}): "
                             f"{excerpt(node.value)}")
            size, depth = 1, 1
        else:
            children = [c for kv in node.value for c in kv] if isinstance(node, yaml.MappingNode) else node.value
            sizes = [self._size[id(c)] for c in children]
            size = 1 + sum(n for n, _ in sizes)
            depth = 1 + max((d for _, d in sizes), default=0)
        if size > MAX_NODES:
            raise _Limit(node.start_mark.line + 1,
                         f"holds more than {MAX_NODES:,} values once its aliases (*name) are expanded "
                         f"(the limit; the largest shipped scenario holds about 1,500)")
        if depth > MAX_DEPTH:
            raise _Limit(node.start_mark.line + 1,
                         f"nested deeper than {MAX_DEPTH} levels once its aliases (*name) are expanded "
                         "(the limit; scenarios nest about 6)")
        self._size[id(node)] = (size, depth)
        return node


@dataclass
class Tracked:
    """Loaded data plus the file and line each field path was written at."""

    data: Any
    origins: dict[Path_, tuple[str, int]] = field(default_factory=dict)
    file: str = "<string>"
    files: tuple[Path, ...] = ()  # the files read, nearest first (the file, then what it extends)

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


def _dotted(path: Path_) -> str:
    return ".".join(map(str, path)) or "(top level)"


def _scalar(node: yaml.ScalarNode, loader: SafeLoader, path: Path_, file: str, errors: list[str]) -> Any:
    """A scalar's value; a value its tag cannot read, or a number out of range, is an error."""
    where = f"{file}:{node.start_mark.line + 1}: {_dotted(path)}"
    try:
        value = loader.construct_object(node, deep=True)
    except Exception:  # noqa: BLE001 - PyYAML's constructors fail many ways on a tagged value (!!bool abc: KeyError)
        tag = node.tag.removeprefix("tag:yaml.org,2002:")
        errors.append(f"{where}: cannot read {excerpt(node.value)} as {tag} "
                      "(plain YAML values; drop the !!tag)")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        errors.append(f"{where}: got {node.value} (a finite number)")
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        errors.append(f"{where}: got a number of {len(node.value)} digits "
                      f"(a whole number within +-{MAX_INT:.1e})")
        return None
    return value


def _to_python(node: yaml.Node, loader: SafeLoader, path: Path_, file: str,
               origins: dict, errors: list[str]) -> Any:
    origins[path] = (file, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in PLAIN_TAGS:
        errors.append(f"{file}:{node.start_mark.line + 1}: {_dotted(path)}: "
                      f"the tag {excerpt(node.tag)} is not allowed (plain YAML mappings and lists)")
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(f"{file}:{key_node.start_mark.line + 1}: {_dotted(path)}: "
                              "a key must be a plain value (a name or a number, not a list or mapping)")
                continue
            key = _scalar(key_node, loader, path, file, errors)
            if key is None and key_node.tag != "tag:yaml.org,2002:null":
                continue
            try:
                hash(key)
            except TypeError:
                errors.append(f"{file}:{key_node.start_mark.line + 1}: {_dotted(path)}: "
                              "a key must be a plain value (a name or a number)")
                continue
            if key in out:
                errors.append(f"{file}:{key_node.start_mark.line + 1}: "
                              f"{_dotted(path + (key,))}: duplicate key "
                              f"(each id or field may appear once; first at line "
                              f"{origins[path + (key,)][1]})")
                continue
            out[key] = _to_python(value_node, loader, path + (key,), file, origins, errors)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, loader, path + (i,), file, origins, errors)
                for i, v in enumerate(node.value)]
    return _scalar(node, loader, path, file, errors)


def parse_yaml(text: str, file: str) -> Tracked:
    """Parse YAML text safely and within the limits, tracking lines; raises UserError on any problem."""
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > MAX_FILE_BYTES else len(text)
    if size > MAX_FILE_BYTES:
        raise UserError(f"{file}: the file is {size:,} bytes (at most {MAX_FILE_BYTES:,} bytes, "
                        "the limit for a scenario or sweep file)")
    try:
        loader = LimitedLoader(text)
    except yaml.YAMLError as exc:        # e.g. a NUL byte: not text at all
        raise UserError(f"{file}:1: not valid YAML: {getattr(exc, 'reason', exc)} (a YAML text file)") from None
    try:
        node = loader.get_single_node()
        origins: dict = {}
        errors: list[str] = []
        if node is None:
            return Tracked({}, {(): (file, 1)}, file)
        data = _to_python(node, loader, (), file, origins, errors)
    except _Limit as exc:
        raise UserError(f"{file}:{exc.line}: (limits): {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = str(exc.problem or exc.context)
        problem = problem if len(problem) <= 200 else problem[:200] + "..."
        raise UserError(f"{file}:{line}: not valid YAML: {problem} "
                        f"(check the indentation, colons and quotes on this line and the one above)") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{file}:1: not valid YAML: {excerpt(str(exc), 200)}") from None
    finally:
        loader.dispose()
    if errors:
        raise UserError(errors)
    return Tracked(data, origins, file)


def read_text(path: Path | str, what: str = "a YAML file") -> str:
    """A file's text, read with a bound, or a UserError naming the file and what was expected.

    Only a regular file is read (not a device such as /dev/zero, nor a pipe), and never
    more than MAX_FILE_BYTES + 1 bytes of it.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file (a path to {what})") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder (a path to {what})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read: {exc.strerror} (a readable file)") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UserError(f"{path}: is a folder (a path to {what})")
        raise UserError(f"{path}: not a regular file (a path to {what}, not a device or a pipe)")
    with os.fdopen(fd, "rb") as f:
        if info.st_size > MAX_FILE_BYTES:
            raise UserError(f"{path}: the file is {info.st_size:,} bytes (at most {MAX_FILE_BYTES:,} bytes, "
                            f"the limit for {what})")
        try:
            data = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise UserError(f"{path}: cannot be read: {exc.strerror} (a readable file)") from None
    if len(data) > MAX_FILE_BYTES:
        raise UserError(f"{path}: the file is over {MAX_FILE_BYTES:,} bytes (the limit for {what})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text (a YAML text file)") from None


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
    return Tracked(data, origins, child.file, child.files + base.files)


def shipped_names() -> list[str]:
    """The names of the shipped scenarios (file stems in scenarios/)."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def shipped_path(name: Any) -> Path | None:
    """The shipped scenario a bare name (with or without .yaml) names, or None."""
    if not isinstance(name, str):
        return None
    stem = name.removesuffix(".yaml")
    return SHIPPED_DIR / f"{stem}.yaml" if stem in shipped_names() else None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _extends_target(tracked: Tracked, path: Path, parent: str, root: Path) -> Path:
    """Where a file on disk's `extends:` points, if it may: see load_with_extends."""
    shipped = SHIPPED_DIR.resolve()
    where = f"{root}{os.sep} or below"
    rule = (f"a file in {where}, or a shipped scenario by name: {', '.join(shipped_names())}")
    if "\0" in parent or not parent.strip():
        raise UserError(tracked.message(("extends",), f"got {excerpt(parent)} ({rule})"))
    candidate = path.parent / parent
    if "/" not in parent and os.sep not in parent:  # a bare name: this folder's file, else a shipped one
        local = [c for c in (candidate, path.parent / f"{parent}.yaml") if c.exists()]
        candidate = local[0] if local else shipped_path(parent) or candidate
    target = candidate.resolve()
    if not (_inside(target, root) or _inside(target, shipped)):
        # refused before looking at the file: the message says nothing about what is there
        raise UserError(tracked.message(("extends",), f"{excerpt(parent)} is outside this scenario's "
                                                      f"folder tree ({rule})"))
    if not target.exists():
        raise UserError(tracked.message(("extends",), f"no such file {excerpt(parent)} ({rule})"))
    return target


def load_with_extends(path: Path | str, _chain: tuple[Path, ...] = (), root: Path | None = None) -> Tracked:
    """Read a YAML file and resolve its `extends:` chain.

    `extends:` names a file relative to the extending file. It may point into the folder
    tree of the first file of the chain (its folder and every folder below it) or into the
    shipped scenarios folder; a bare name that is not a file there names a shipped
    scenario (`extends: feb2022_baseline`). Both checks are made after resolving symlinks
    and `..`, and before the target is opened, so a refusal reveals nothing about it.
    """
    path = Path(path)
    key = path.resolve()
    root = root if root is not None else path.parent.resolve()
    if key in _chain:
        cycle = " -> ".join(str(p.name) for p in _chain + (key,))
        raise UserError(f"{path}:1: extends: cycle in extends ({cycle}); "
                        f"(a chain of scenarios that ends)")
    tracked = read_yaml(path)
    tracked.files = (path,)
    if not isinstance(tracked.data, dict):
        raise UserError(f"{path}:1: (top level): the file must hold a mapping of fields "
                        f"(name: ..., actors: ...)")
    parent = tracked.data.pop("extends", None)
    if parent is None:
        return tracked
    if not isinstance(parent, str):
        raise UserError(tracked.message(("extends",), "must be a file name (e.g. extends: feb2022_baseline.yaml)"))
    base = load_with_extends(_extends_target(tracked, path, parent, root), _chain + (key,), root)
    return merge(base, tracked)
