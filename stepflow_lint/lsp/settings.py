"""Settings: the editor's (the config file's keys) over the nearest config file, and the catalog they name.

The editor sends the same keys as `stepflow-lint.toml` (`select`, `ignore`,
`extend-select`, `per-file-ignores`, `severity`, `rules`, `components`, ...),
through `initializationOptions`, `workspace/configuration` (section
`stepflow-lint`) or `workspace/didChangeConfiguration`, plus the server's own
`only-flows` (true: lint only YAML that looks like a Stepflow flow) and
`fix-all-on-save` (apply the safe fixes when a document is saved). A key the
editor sets replaces the file's value of that key; the other keys come from the
nearest config file, re-read when it changes on disk. A client that answers
`workspace/configuration` per workspace folder gives each folder its own settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..catalog import CatalogError, default_catalog, load_catalog
from ..config import CONFIG_NAMES, Config, ConfigError, find_config, load_config
from ..engine import config_problems

log = logging.getLogger(__name__)

SECTION = "stepflow-lint"
# Config-file keys and the Config fields they set (an `extend-` key adds to its field's list).
KEY_FIELDS = {"select": "select", "ignore": "ignore", "extend-ignore": "ignore", "extend-select": "extend_select",
              "per-file-ignores": "per_file_ignores", "exclude": "exclude", "extend-exclude": "exclude",
              "severity": "severity", "rules": "rules", "components": "components", "fail-on": "fail_on"}
CONFIG_GLOBS = tuple(f"**/{name}" for name in CONFIG_NAMES)
# Flows on disk too: workspace diagnostics of files that are not open follow changes made outside the editor.
FLOW_GLOBS = ("**/*.yaml", "**/*.yml")
WATCHED_GLOBS = CONFIG_GLOBS + FLOW_GLOBS


def editor_table(raw: Any) -> dict[str, Any]:
    """The settings object the editor sent, under our section or bare; camelCase keys accepted too."""
    if not isinstance(raw, dict):
        return {}
    if isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    table = {}
    for key, value in raw.items():
        kebab = "".join("-" + c.lower() if c.isupper() else c for c in str(key))
        if value is not None:
            table[kebab] = value
    return table


@dataclass
class Settings:
    table: dict[str, Any] = field(default_factory=dict)   # config-file keys set by the editor
    only_flows: bool = True
    fix_all_on_save: bool = False                          # answer willSaveWaitUntil with the safe fixes
    problems: list[str] = field(default_factory=list)
    editor_config: Config | None = None

    @classmethod
    def from_editor(cls, raw: Any, root: Path | None = None) -> "Settings":
        table = editor_table(raw)
        settings = cls()
        settings.only_flows = bool(table.pop("only-flows", True))
        settings.fix_all_on_save = bool(table.pop("fix-all-on-save", False))
        settings.table = {key: value for key, value in table.items() if key in KEY_FIELDS}
        ignored = sorted(set(table) - set(KEY_FIELDS))
        if ignored:
            settings.problems.append(f"unknown setting(s) ignored: {', '.join(ignored)}")
        try:
            settings.editor_config = _read_table(settings.table, root or Path.cwd())
            settings.problems += config_problems(settings.editor_config)
        except ConfigError as exc:
            settings.problems.append(str(exc))
            settings.table, settings.editor_config = {}, None
        return settings


def _read_table(table: dict[str, Any], root: Path) -> Config:
    from ..config import from_table  # the config file's own reader, so both validate alike
    # Relative `components` paths are read from the workspace root.
    return from_table(table, root / "editor settings")


class ConfigResolver:
    """The effective Config and catalog of each document, cached per config file (and workspace
    folder) until it changes."""

    def __init__(self) -> None:
        self.settings = Settings()
        # The editor's settings of each workspace folder (a client answers `workspace/configuration`
        # per folder); documents outside every folder get `settings`.
        self.folder_settings: dict[Path, Settings] = {}
        self._found: dict[Path, Path | None] = {}
        self._configs: dict[tuple[Path | None, Path | None], Config] = {}
        self._catalogs: dict[tuple[str, ...], Any] = {}
        self.problems: list[str] = []   # config files and settings that could not be used, for the user

    def update_settings(self, settings: Settings, folders: dict[Path, Settings] | None = None) -> None:
        self.settings = settings
        self.folder_settings = dict(folders or {})
        for each in (settings, *self.folder_settings.values()):
            self.problems.extend(each.problems)
        self._configs.clear()

    def _folder_of(self, path: str) -> Path | None:
        """The innermost workspace folder with settings of its own that holds ``path``."""
        file_path = Path(path)
        holding = [folder for folder in self.folder_settings if file_path.is_relative_to(folder)]
        return max(holding, key=lambda folder: len(folder.parts), default=None)

    def settings_for(self, path: str) -> Settings:
        folder = self._folder_of(path)
        return self.folder_settings[folder] if folder is not None else self.settings

    def forget_files(self) -> None:
        """Config files changed on disk: read them again when next needed."""
        self._found.clear()
        self._configs.clear()
        self._catalogs.clear()

    def config_for(self, path: str) -> Config:
        file_path = Path(path)
        directory = file_path.parent
        if directory not in self._found:
            try:
                self._found[directory] = find_config(file_path) if directory.is_dir() else None
            except OSError:
                self._found[directory] = None
        found = self._found[directory]
        folder = self._folder_of(path) if self.folder_settings else None
        config = self._configs.get((found, folder))
        if config is None:
            settings = self.folder_settings[folder] if folder is not None else self.settings
            config = self._configs[(found, folder)] = self._merge(self._load(found), settings)
        return config

    def _load(self, found: Path | None) -> Config:
        if found is None:
            return Config()
        try:
            config = load_config(found)
        except ConfigError as exc:
            self.problems.append(f"{exc} (using the defaults)")
            return Config()
        problems = config_problems(config)
        if problems:
            self.problems.append(f"{found}: " + "; ".join(problems))
        return config

    def _merge(self, base: Config, settings: Settings) -> Config:
        editor = settings.editor_config
        if editor is None:
            return base
        merged = Config(**{f.name: getattr(base, f.name) for f in fields(Config)})
        table = settings.table
        for key in table:
            name = KEY_FIELDS[key]
            extends = key.startswith("extend-") and key.removeprefix("extend-") not in table
            # `extend-ignore` alone adds to the file's `ignore`; with `ignore` beside it the editor's list wins.
            value = getattr(base, name) + getattr(editor, name) if extends else getattr(editor, name)
            setattr(merged, name, value)
        return merged

    def catalog_for(self, config: Config):
        key = tuple(config.components)
        if not key:
            return default_catalog()
        if key not in self._catalogs:
            try:
                self._catalogs[key] = load_catalog(list(key))
            except CatalogError as exc:
                self.problems.append(f"{exc} (using the builtin catalog)")
                self._catalogs[key] = default_catalog()
        return self._catalogs[key]

    def take_problems(self) -> list[str]:
        problems, self.problems = self.problems, []
        return list(dict.fromkeys(problems))
