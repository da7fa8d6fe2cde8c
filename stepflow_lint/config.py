"""Configuration: rule selection, severities, per-rule options, from TOML files.

``[tool.stepflow-lint]`` in ``pyproject.toml``, or the same keys at the top
level of ``stepflow-lint.toml`` / ``.stepflow-lint.toml``; the nearest file
up from the linted path wins (as in ruff). Every key is read through one
entry of ``KEYS``, so a wrong value is one error naming the file, the key and
what is expected, never a traceback later on.
"""

from __future__ import annotations

import difflib
import fnmatch
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from .diagnostics import Severity
from .target import CURRENT, KNOWN_VERSIONS, release

CONFIG_NAMES = ("stepflow-lint.toml", ".stepflow-lint.toml", "pyproject.toml")


class ConfigError(ValueError):
    pass


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    components: list[str] = field(default_factory=list)
    fail_on: Severity | None = None
    target_version: str = CURRENT  # the engine release whose behaviour the rules describe (target.py)
    path: Path | None = None  # the file it came from

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def is_enabled(self, code: str, file_path: str | None = None) -> bool:
        selected = _matches(code, self.select + self.extend_select)
        ignored = _specificity(code, self.ignore)
        if selected < 0 or (ignored >= 0 and ignored >= selected):
            return False
        if file_path is not None:
            for pattern in self._ignores_for(file_path):
                if _matches(code, [pattern]) >= 0:
                    return False
        return True

    def _ignores_for(self, file_path: str) -> list[str]:
        if not self.per_file_ignores:
            return []  # asked once per rule per file: skip resolving the path (two realpaths) for nothing
        found: list[str] = []
        rel = _relative(file_path, self.root)
        for pattern, codes in self.per_file_ignores.items():
            if _glob(rel, pattern) or _glob(PurePath(file_path).name, pattern):
                found.extend(codes)
        return found

    def is_excluded(self, file_path: str) -> bool:
        if not self.exclude:
            return False
        rel = _relative(file_path, self.root)
        return any(_glob(rel, p) or any(_glob(part, p) for part in PurePath(rel).parts) for p in self.exclude)

    def with_overrides(self, *, select=None, ignore=None, extend_select=None, exclude=None,
                       extend_exclude=None, fail_on: Severity | None = None) -> "Config":
        clone = Config(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        if select:
            clone.select = list(select)
        if ignore:
            clone.ignore = clone.ignore + list(ignore)
        if extend_select:
            clone.extend_select = clone.extend_select + list(extend_select)
        if exclude:
            clone.exclude = list(exclude)
        if extend_exclude:
            clone.exclude = clone.exclude + list(extend_exclude)
        if fail_on is not None:
            clone.fail_on = fail_on
        return clone


def _specificity(code: str, patterns: list[str]) -> int:
    best = -1
    for pattern in patterns:
        pattern = pattern.strip().upper()
        if pattern == "ALL":
            best = max(best, 0)
        elif code.startswith(pattern):
            best = max(best, len(pattern))
    return best


_matches = _specificity


def _glob(path: str, pattern: str) -> bool:
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.rstrip("/") + "/*")


def _relative(file_path: str, root: Path) -> str:
    try:
        return Path(file_path).absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        pass
    try:
        return Path(file_path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # a symlink loop resolves to nothing
        return PurePath(file_path).as_posix()


# --- reading the TOML table ----------------------------------------------------------------

class _Invalid(Exception):
    """A value of the wrong shape; the message says what was expected."""


def _describe(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(f"expected a list of strings, got {_describe(value)}")
    return list(value)


def _code_list(value: Any) -> list[str]:
    try:
        return [v.strip().upper() for v in _string_list(value)]
    except _Invalid:
        raise _Invalid(f"expected a list of rule codes or prefixes (e.g. [\"SF201\", \"SF3\"]), "
                       f"got {_describe(value)}") from None


def severity_value(value: Any) -> Severity:
    if not isinstance(value, str):
        raise _Invalid(f'expected "error", "warning" or "info", got {_describe(value)}')
    try:
        return Severity.parse(value)
    except ValueError:
        raise _Invalid(f'expected "error", "warning" or "info", got {value!r}') from None


def _table(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise _Invalid(f"expected a table of {what}, got {_describe(value)}")
    return value


def _per_file_ignores(value: Any) -> dict[str, list[str]]:
    table = _table(value, "GLOB = [codes]")
    result = {}
    for glob, codes in table.items():
        try:
            result[glob] = _code_list(codes)
        except _Invalid as exc:
            raise _Invalid(f"{glob!r}: {exc}") from None
    return result


def _severities(value: Any) -> dict[str, Severity]:
    table = _table(value, 'CODE = "error"|"warning"|"info"')
    result = {}
    for code, level in table.items():
        try:
            result[code.strip().upper()] = severity_value(level)
        except _Invalid as exc:
            raise _Invalid(f"{code}: {exc}") from None
    return result


def _rule_tables(value: Any) -> dict[str, dict[str, Any]]:
    table = _table(value, "per-rule option tables ([rules.SF301] …)")
    for code, options in table.items():
        if not isinstance(options, dict):
            raise _Invalid(f"{code}: expected a table of options, got {_describe(options)}")
    return {code.strip().upper(): dict(options) for code, options in table.items()}


def _components(value: Any, config_path: Path) -> list[str]:
    try:
        paths = _string_list(value)
    except _Invalid:
        raise _Invalid(f"expected a list of component catalog files, got {_describe(value)}") from None
    return [str((config_path.parent / c).resolve()) for c in paths]


def _target_version(value: Any) -> str:
    found = release(value) if isinstance(value, str) else None
    if found is None:
        raise _Invalid(f"expected a Stepflow release such as \"{CURRENT}\" (known: {', '.join(KNOWN_VERSIONS)}), "
                       f"got {_describe(value)}")
    return found


# One line per key: the Config attribute it fills and how its value is read (and checked).
# `extend-*` keys add to the attribute their base key set.
KEYS: dict[str, tuple[str, Callable[..., Any]]] = {
    "select": ("select", _code_list),
    "extend-select": ("extend_select", _code_list),
    "ignore": ("ignore", _code_list),
    "extend-ignore": ("ignore", _code_list),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("exclude", _string_list),
    "severity": ("severity", _severities),
    "rules": ("rules", _rule_tables),
    "components": ("components", _components),
    "fail-on": ("fail_on", severity_value),
    "target-version": ("target_version", _target_version),
}
_NEEDS_PATH = {"components"}


def load_config(path: Path) -> Config:
    """Read one config file; a ``pyproject.toml`` without our table gives defaults."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigError(f"{path}: cannot read config: {reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        data = tool.get("stepflow-lint", {}) if isinstance(tool, dict) else {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [tool.stepflow-lint]: expected a table, got {_describe(data)}")
    return from_table(data, path)


def from_table(data: dict[str, Any], path: Path) -> Config:
    prefix = "tool.stepflow-lint." if path.name == "pyproject.toml" else ""
    problems = []
    config = Config(path=path)
    # `extend-*` keys after the keys they extend, wherever they stand in the file
    for key, value in sorted(data.items(), key=lambda item: item[0].startswith("extend-")):
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else f" (known keys: {', '.join(KEYS)})"
            problems.append(f"unknown config key `{prefix}{key}`{hint}")
            continue
        attribute, read = KEYS[key]
        try:
            parsed = read(value, path) if key in _NEEDS_PATH else read(value)
        except _Invalid as exc:
            problems.append(f"`{prefix}{key}`: {exc}")
            continue
        if key.startswith("extend-"):
            parsed = getattr(config, attribute) + parsed
        setattr(config, attribute, parsed)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return config


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a file or a directory)."""
    directory = start if start.is_dir() else start.parent
    try:
        directory = directory.resolve()
    except (OSError, RuntimeError):  # a symlink loop: look up from the path as written
        directory = directory.absolute()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and not _has_tool_table(candidate):
                    continue
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        tool = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(tool, dict) and "stepflow-lint" in tool
