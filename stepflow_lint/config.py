"""Configuration: rule selection, severities, per-rule options, from TOML files.

``[tool.stepflow-lint]`` in ``pyproject.toml``, or the same keys at the top
level of ``stepflow-lint.toml`` / ``.stepflow-lint.toml``; the nearest file
up from the linted path wins (as in ruff).
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from .diagnostics import Severity
from .target import CURRENT, KNOWN_VERSIONS, release

CONFIG_NAMES = ("stepflow-lint.toml", ".stepflow-lint.toml", "pyproject.toml")
_KNOWN_KEYS = {"select", "ignore", "extend-select", "extend-ignore", "per-file-ignores", "exclude",
               "extend-exclude", "severity", "rules", "components", "fail-on", "target-version"}


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
        rel = _relative(file_path, self.root)
        return any(_glob(rel, p) or any(_glob(part, p) for part in PurePath(rel).parts) for p in self.exclude)

    def with_overrides(self, *, select=None, ignore=None, extend_select=None) -> "Config":
        clone = Config(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        if select:
            clone.select = list(select)
        if ignore:
            clone.ignore = clone.ignore + list(ignore)
        if extend_select:
            clone.extend_select = clone.extend_select + list(extend_select)
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
        return Path(file_path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return PurePath(file_path).as_posix()


def load_config(path: Path) -> Config:
    """Read one config file; a ``pyproject.toml`` without our table gives defaults."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("stepflow-lint", {})
    return _from_table(data, path)


def _from_table(data: dict[str, Any], path: Path) -> Config:
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{path}: unknown config key(s): {', '.join(sorted(unknown))}")
    config = Config(path=path)
    if "select" in data:
        config.select = _codes(data["select"], "select", path)
    config.ignore = _codes(data.get("ignore", []), "ignore", path) + _codes(data.get("extend-ignore", []), "extend-ignore", path)
    config.extend_select = _codes(data.get("extend-select", []), "extend-select", path)
    config.exclude = list(data.get("exclude", [])) + list(data.get("extend-exclude", []))
    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{path}: `per-file-ignores` must be a table of glob = [codes]")
    config.per_file_ignores = {glob: _codes(codes, f"per-file-ignores.{glob}", path) for glob, codes in pfi.items()}
    for code, level in data.get("severity", {}).items():
        try:
            config.severity[code.upper()] = Severity.parse(level)
        except ValueError as exc:
            raise ConfigError(f"{path}: severity.{code}: {exc}") from None
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: `rules` must be a table of per-rule options")
    config.rules = {code.upper(): dict(options) for code, options in rules.items()}
    components = data.get("components", [])
    components = [components] if isinstance(components, str) else components
    config.components = [str((path.parent / c).resolve()) for c in components]
    if "fail-on" in data:
        config.fail_on = Severity.parse(str(data["fail-on"]))
    if "target-version" in data:
        config.target_version = _target_version(data["target-version"], path)
    return config


def _target_version(value: Any, path: Path) -> str:
    found = release(value) if isinstance(value, str) else None
    if found is None:
        raise ConfigError(f"{path}: `target-version` must be a Stepflow release such as \"{CURRENT}\" "
                          f"(known: {', '.join(KNOWN_VERSIONS)}), found {value!r}")
    return found


def _codes(value: Any, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of rule codes")
    return [v.strip().upper() for v in value]


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a file or a directory)."""
    directory = start if start.is_dir() else start.parent
    directory = directory.resolve()
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
        return "stepflow-lint" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
