"""A flow file made ready to run: parsed by the linter's YAML layer, its JSON data planned.

Nothing here lints: the commands refuse a flow with lint errors before they
load it (cli/flows.py); the executor refuses only what the engine refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..yaml.parse import ParseError, parse, to_python
from ..yaml.source import DecodeError, Source
from .errors import ExecutorError, FlowDefinitionError
from .plan import Plan, plan_flow


@dataclass
class LoadedFlow:
    path: Path | None
    text: str
    data: dict[str, Any]          # the flow as JSON, as the engine receives it
    plan: Plan
    cases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or (self.path.stem if self.path else "flow"))


def read_flow_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ExecutorError(f"{path}: no such file") from None
    except OSError as exc:
        raise ExecutorError(f"{path}: cannot read: {exc.strerror or exc}") from None


def load_flow_file(path: Path) -> LoadedFlow:
    return load_flow_bytes(read_flow_file(path), path)


def load_flow_bytes(data: bytes, path: Path) -> LoadedFlow:
    try:
        source = Source.from_bytes(data, str(path))
    except DecodeError as exc:
        raise ExecutorError(f"{path}: {exc}") from None
    return load_flow_text(source, path)


def load_flow_text(source: Source, path: Path | None) -> LoadedFlow:
    try:
        root = parse(source).root
    except ParseError as exc:
        raise ExecutorError(f"{source.path}:{exc.span.line + 1}:{exc.span.column + 1}: {exc.message}") from None
    flow = to_python(root) if root is not None else None
    if not isinstance(flow, dict):
        raise ExecutorError(f"{source.path}: not a flow (the root must be a mapping with `steps` and `output`)")
    try:
        plan = plan_flow(flow)
    except FlowDefinitionError as exc:
        raise ExecutorError(f"{source.path}: {exc}") from None
    test = flow.get("test")
    cases = [c for c in (test.get("cases") or []) if isinstance(c, dict)] if isinstance(test, dict) else []
    return LoadedFlow(path, source.text, flow, plan, cases)
