"""One lint invocation's state: its options, where errors and notes go, the configs and catalogs it read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from ..config import Config, ConfigError, find_config, load_config
from ..config_check import checked
from ..diagnostics import Severity
from ..report.styled import StyledText
from .console import make_console

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class LintOptions(NamedTuple):  # not a dataclass: making the class costs three times as much at start-up
    """What the command line asked for (click's parameters, named once)."""

    fmt: str = "text"
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    add_noqa: bool = False
    force: bool = False
    force_exclude: bool = False
    fail_on: Severity | None = None
    exit_zero: bool = False
    show_fixes: bool = False
    statistics: bool = False
    quiet: bool = False
    silent: bool = False
    output_file: Path | None = None
    color: str = "auto"
    stdin_filename: str | None = None
    config_path: Path | None = None
    components: tuple[Path, ...] = ()
    overrides: Mapping = MappingProxyType({})  # select / ignore / extend_select / exclude / extend_exclude


class Session:
    """Errors (each one makes the exit code 2), notes, and the config of each linted file."""

    def __init__(self, options: LintOptions):
        self.options = options
        self.errors = 0
        self.verify_refused = 0  # files whose fixes --verify refused: they changed a result (exit 1)
        self.err = make_console(options.color, stderr=True)
        self._fixed_config: Config | None = None
        self._configs: dict[Path | None, Config | ConfigError] = {}
        self._nearest: dict[Path, Path | None] = {}
        self._catalogs: dict[tuple[str, ...], object] = {}

    def error(self, message: str) -> None:
        self.errors += 1
        self.err.print(StyledText().append("error", "bold red").append(f": {message}"))

    def warn(self, message: str) -> None:
        if not self.options.silent:
            self.err.print(StyledText().append("warning", "bold yellow").append(f": {message}"))

    def note(self, message: str) -> None:
        if not (self.options.quiet or self.options.silent):
            self.err.print(StyledText().append(message, "dim"))

    # --- configuration --------------------------------------------------------------------

    def load_fixed_config(self) -> bool:
        """Read `--config` when given; False (after one error) when it is unusable."""
        path = self.options.config_path
        if path is None:
            return True
        if not path.is_file():
            self.error(f"{path}: config file not found")
            return False
        try:
            self._fixed_config = checked(load_config(path))
        except ConfigError as exc:
            self.error(str(exc))
            return False
        return True

    def config_for(self, path: Path) -> Config:
        """The config that governs ``path`` (``--config``, else the nearest file up), with the
        command line's overrides. A broken config raises :class:`ConfigError` once; later files
        under it raise a silent one (``args == ()``) so the problem is reported only once."""
        if self._fixed_config is not None:
            found: Path | None = self._fixed_config.path
            if found not in self._configs:
                self._configs[found] = self._fixed_config.with_overrides(**self._overrides())
        else:
            directory = path if path.is_dir() else path.parent
            if directory not in self._nearest:
                self._nearest[directory] = find_config(directory)
            found = self._nearest[directory]
            if found not in self._configs:
                try:
                    base = checked(load_config(found)) if found else Config()
                    self._configs[found] = base.with_overrides(**self._overrides())
                except ConfigError as exc:
                    self._configs[found] = ConfigError()
                    raise exc
        config = self._configs[found]
        if isinstance(config, ConfigError):
            raise config
        return config

    def _overrides(self) -> dict:
        return {**self.options.overrides, "fail_on": self.options.fail_on}

    def catalog_for(self, config: Config):
        """Builtins plus `--components` plus the config's `components` (None: builtins only)."""
        paths = tuple(str(p) for p in self.options.components) + tuple(config.components)
        if not paths:
            return None
        if paths not in self._catalogs:
            from ..catalog import CatalogError, load_catalog
            try:
                self._catalogs[paths] = load_catalog(list(paths))
            except CatalogError as exc:
                where = f"{config.path}: `components`: " if config.components and config.path else ""
                self._catalogs[paths] = ConfigError()
                raise ConfigError(f"{where}{exc}") from None
        catalog = self._catalogs[paths]
        if isinstance(catalog, ConfigError):
            raise catalog
        return catalog

    def fail_level(self, config: Config) -> Severity:
        return config.fail_on or Severity.WARNING
