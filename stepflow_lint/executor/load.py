"""A flow file made ready to run: read through the linter's parser and model, refused when it has errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError, find_config as find_lint_config, load_config as load_lint_config
from ..diagnostics import Diagnostic, Severity
from ..engine import lint_source
from ..yaml.parse import to_python
from ..yaml.source import DecodeError, Source
from .errors import ExecutorError, FlowDefinitionError
from .plan import Plan, plan_flow


class LintRefusal(ExecutorError):
    """The flow does not lint clean of errors: it is not run, its findings are the message."""

    def __init__(self, path: str, findings: list[Diagnostic]):
        self.path = path
        self.findings = findings
        lines = [f"{path}:{d.span.line + 1}:{d.span.column + 1}: {d.code} {d.message}" for d in findings]
        super().__init__(f"{path} has errors; fix them before running it:\n" + "\n".join(lines))


@dataclass
class LoadedFlow:
    path: Path | None
    text: str
    data: dict[str, Any]          # the flow as JSON, as the engine receives it
    plan: Plan
    lint_config: Config | None = None
    cases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or (self.path.stem if self.path else "flow"))


def lint_config_for(path: Path | None) -> Config:
    found = find_lint_config(path) if path is not None else None
    try:
        return load_lint_config(found) if found else Config()
    except ConfigError as exc:
        raise ExecutorError(str(exc)) from None


def load_flow_file(path: Path, *, lint_config: Config | None = None, catalog=None,
                   refuse_errors: bool = True) -> LoadedFlow:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExecutorError(f"{path}: no such file") from None
    except OSError as exc:
        raise ExecutorError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return load_flow_bytes(data, path, lint_config=lint_config, catalog=catalog, refuse_errors=refuse_errors)


def load_flow_bytes(data: bytes, path: Path, *, lint_config: Config | None = None, catalog=None,
                    refuse_errors: bool = True) -> LoadedFlow:
    try:
        source = Source.from_bytes(data, str(path))
    except DecodeError as exc:
        raise ExecutorError(f"{path}: {exc}") from None
    return load_flow_text(source, path, lint_config=lint_config, catalog=catalog, refuse_errors=refuse_errors)


def load_flow_text(source: Source, path: Path | None, *, lint_config: Config | None = None,
                   catalog=None, refuse_errors: bool = True) -> LoadedFlow:
    """The flow in ``source``, planned; with ``refuse_errors`` (the commands' way) a flow with lint errors
    is refused, otherwise only what the engine itself refuses is (differential tests on real flows)."""
    config = lint_config if lint_config is not None else lint_config_for(path)
    linted = lint_source(source, config, catalog)
    errors = [d for d in linted.diagnostics if d.severity >= Severity.ERROR]
    if errors and refuse_errors:
        raise LintRefusal(source.path, errors)
    root = linted.document.root if linted.document is not None else None
    flow = to_python(root) if root is not None else None
    if not isinstance(flow, dict):
        raise ExecutorError(f"{source.path}: not a flow (the root must be a mapping with `steps` and `output`)")
    try:
        plan = plan_flow(flow)
    except FlowDefinitionError as exc:
        raise ExecutorError(f"{source.path}: {exc}") from None
    test = flow.get("test")
    cases = [c for c in (test.get("cases") or []) if isinstance(c, dict)] if isinstance(test, dict) else []
    return LoadedFlow(path, source.text, flow, plan, config, cases)
