"""Reading a flow to run it from the command line: lint first (errors refuse it), then the run settings
the lint config holds for simulate mode (`[rules.SF201] latency-ms`, `ordering-fields`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..config import Config, ConfigError, find_config, load_config
from ..diagnostics import Severity
from ..engine import lint_bytes
from ..executor import ExecutorError, LoadedFlow, SessionOptions, load_flow_bytes
from ..executor.load import read_flow_file

ORDERING_RULE = "SF201"


def lint_config_for(path: Path) -> Config:
    found = find_config(path)
    try:
        return load_config(found) if found else Config()
    except ConfigError as exc:
        raise ExecutorError(str(exc)) from None


def load_checked(path: Path, catalog=None) -> tuple[LoadedFlow, Config]:
    """The flow at ``path``, refused with its findings when it does not lint clean of errors."""
    data = read_flow_file(path)
    config = lint_config_for(path)
    linted = lint_bytes(data, str(path), config, catalog)
    errors = [d for d in linted.diagnostics if d.severity >= Severity.ERROR]
    if errors:
        lines = [f"{path}:{d.span.line + 1}:{d.span.column + 1}: {d.code} {d.message}" for d in errors]
        raise ExecutorError(f"{path} has errors; fix them before running it:\n" + "\n".join(lines))
    return load_flow_bytes(data, path), config


def with_simulation_settings(options: SessionOptions, config: Config | None) -> SessionOptions:
    """Simulate mode's latency and ordering-only fields, from the lint config SF201 reads them from."""
    if not options.simulate:
        return options
    from ..analysis import AnalysisError, latency_table
    from ..rules import REGISTRY
    try:
        latency = latency_table(config, options.latency if isinstance(options.latency, dict) else None)
    except AnalysisError as exc:
        raise ExecutorError(str(exc)) from None
    rule = REGISTRY.get(ORDERING_RULE)
    rule_options = dict(rule.default_options) if rule is not None else {}
    if config is not None:
        rule_options.update(config.rules.get(ORDERING_RULE, {}))
    return replace(options, latency=latency, ordering_fields=tuple(rule_options.get("ordering-fields", ())))
