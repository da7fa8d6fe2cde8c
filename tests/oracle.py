"""The official Stepflow validator as a test oracle.

`stepflow-orchestrator` (a dev extra) ships the official `stepflow-server`
binary. Its REST API validates a flow without storing it:

    POST {url}/api/v1/flows  {"flow": <flow as JSON>, "dryRun": true}
    -> 200 {"diagnostics": {"diagnostics": [{"kind", "code", "level", "formatted",
                                              "path": "$.steps[2].input.blob_id", "data"?}],
                            "numFatal", "numError", "numWarning"}, ...}
    -> 400 {"error": {"message": "invalid flow definition: ..."}}   (the flow does not
           even deserialize: no path, the whole flow is refused)

This module starts the server (bounded, always stopped), talks to it over
127.0.0.1 only, turns its answers into :class:`OfficialDiagnostic` s, resolves
their JSON paths to YAML node spans, and holds the table that maps official
kinds to stepflow-lint codes. ``docs/oracle.md`` documents the same table;
``tests/test_oracle.py`` checks that the two agree.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stepflow_lint.diagnostics import Span
from stepflow_lint.executor.errors import ExecutorError
from stepflow_lint.executor.remote import LocalServer, RemoteEngine

# --- what the official validator says -----------------------------------------------

LEVELS = {1: "fatal", 2: "error", 3: "warning"}
"""Observed with stepflow-orchestrator 0.13: level 1 is counted in `numFatal`,
2 in `numError`, 3 in `numWarning`. Anything else prints as `level N`."""

ASSERTED_LEVELS = frozenset({1, 2})
"""Only fatal and error diagnostics must have a counterpart in stepflow-lint."""

KIND_TO_CODES: dict[str, tuple[str, ...]] = {
    # kind (as the official validator names it): our code(s), any one is a counterpart.
    # Validation diagnostics (HTTP 200, with a JSON path):
    "undefinedStepReference": ("SF102", "SF113"),
    "selfReference": ("SF103",),
    "duplicateStepId": ("SF101",),
    "emptyStepId": ("SF002",),
    "invalidComponent": ("SF106",),
    "undefinedVariable": ("SF109",),
    "undefinedRequiredVariable": ("SF109",),
    "invalidSubflowLiteral": ("SF002",),
    "unreachableStep": ("SF105",),
    "missingFlowName": ("SF111",),
    "missingFlowDescription": ("SF111",),
    "missingVariableSchema": ("SF118",),
    "unvalidatedFieldAccess": (),
    # Refusals (HTTP 400 "invalid flow definition: ...", no path), classified by message:
    "rejected.legacyFrom": ("SF005",),
    "rejected.stepNotString": ("SF004",),
    "rejected.invalidPath": ("SF107",),
    "rejected.onErrorAction": ("SF110",),
    "rejected.malformedExpression": ("SF004", "SF002"),
    "rejected.missingField": ("SF002", "SF112"),
    "rejected.invalidType": ("SF002", "SF110", "SF112"),
    "rejected.schemasShape": ("SF002", "SF005"),
    "rejected.other": ("SF002",),
}

REJECTION_KINDS: list[tuple[str, re.Pattern[str]]] = [
    # first match wins
    ("rejected.legacyFrom", re.compile(r"Legacy '\$from' syntax")),
    ("rejected.stepNotString", re.compile(r"\$step must be a string")),
    ("rejected.malformedExpression", re.compile(r"Invalid \$(input|variable): invalid type|required for \$if|"
                                                r"\$coalesce must be")),
    ("rejected.invalidPath", re.compile(r"Invalid (path|\$input|\$variable): ")),
    ("rejected.onErrorAction", re.compile(r"unknown variant `[^`]*`, expected one of `fail`, `useDefault`, `retry`")),
    ("rejected.missingField", re.compile(r"missing field `")),
    ("rejected.schemasShape", re.compile(r"FlowSchema field")),
    ("rejected.invalidType", re.compile(r"invalid type: |unknown variant ")),
]

TRANSPORT_ARTIFACT = re.compile(r"invalid type: floating point `-?\d+\.0`, expected (u|i)(8|16|32|64|size)\b")
"""The REST API carries the flow as a `google.protobuf.Struct`, whose numbers are
all doubles: an integer field of the flow model (`onError.maxRetries`) arrives
as `3.0` and is refused as "expected u32" however correct it was. Not a
finding about the flow; :func:`flow_to_json` strips `maxRetries` beforehand
and any remaining refusal of this shape is reported as a known difference."""


@dataclass(frozen=True)
class OfficialDiagnostic:
    kind: str
    level: int
    path: str | None  # None for a refusal (HTTP 400)
    message: str
    data: dict[str, Any] | None = None

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, f"level {self.level}")

    @property
    def asserted(self) -> bool:
        return self.level in ASSERTED_LEVELS

    def __str__(self) -> str:
        where = self.path or "(whole flow refused)"
        return f"{self.level_name} {self.kind} at {where}: {self.message}"


@dataclass
class OfficialAnswer:
    status: int
    diagnostics: list[OfficialDiagnostic]
    counts: dict[str, int] = field(default_factory=dict)
    raw: Any = None


def classify_rejection(message: str) -> str:
    for kind, pattern in REJECTION_KINDS:
        if pattern.search(message):
            return kind
    return "rejected.other"


# --- the server ------------------------------------------------------------------------

SERVER_CONFIG: dict[str, Any] = {
    # Builtins only: no remote plugin, so the server opens no outbound connection.
    "plugins": {"builtin": {"type": "builtin"}},
    "routes": {"/builtin": [{"plugin": "builtin"}]},  # a route prefix is one segment
}


class OracleUnavailable(RuntimeError):
    """The official server could not be started or stopped answering."""


class OfficialServer:
    """`stepflow-server` for the tests: the executor's own launcher (`--engine local`), with the
    builtins-only config, plus the raw requests the oracle needs.

    Start and every request are bounded; :meth:`stop` always ends the subprocess and is safe to
    call twice or after a failed start. The server listens on 127.0.0.1 only.
    """

    def __init__(self, config: dict[str, Any] | None = None, *, request_timeout: float = 30.0):
        self.config = SERVER_CONFIG if config is None else config
        self.request_timeout = request_timeout
        self.url: str | None = None
        self._server: LocalServer | None = None

    def start(self) -> "OfficialServer":
        server = LocalServer(None, self.config)
        try:
            server.__enter__()
        except ExecutorError as exc:
            raise OracleUnavailable(f"stepflow-server failed to start: {exc}") from None
        self._server, self.url = server, server.url
        return self

    def stop(self) -> None:
        server, self._server, self.url = self._server, None, None
        if server is not None:
            server.stop()

    def _tail(self) -> str:
        lines = list(self._server.output)[-20:] if self._server is not None else []
        return ("\nlast server output:\n" + "\n".join(lines)) if lines else ""

    @property
    def running(self) -> bool:
        process = self._server.process if self._server is not None else None
        return process is not None and process.poll() is None

    def __enter__(self) -> "OfficialServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # requests

    def post(self, route: str, body: bytes) -> tuple[int, Any]:
        """POST raw JSON bytes; (HTTP status, parsed JSON or text)."""
        if self.url is None:
            raise OracleUnavailable("the official server is not running")
        try:
            return RemoteEngine(self.url, request_timeout=self.request_timeout).request_raw("POST", route, body)
        except ExecutorError as exc:
            raise OracleUnavailable(f"POST {route} failed: {exc}{self._tail()}") from exc

    def validate(self, flow: dict[str, Any]) -> OfficialAnswer:
        """Dry-run validation of one flow (a JSON-able mapping)."""
        body = json.dumps({"flow": flow, "dryRun": True}, allow_nan=False).encode()
        status, payload = self.post("/api/v1/flows", body)
        if status == 200 and isinstance(payload, dict):
            block = payload.get("diagnostics") or {}
            found = [
                OfficialDiagnostic(d.get("kind", "?"), int(d.get("level", 0)), d.get("path"),
                                   d.get("formatted", ""), d.get("data"))
                for d in block.get("diagnostics", [])
            ]
            counts = {k: v for k, v in block.items() if k != "diagnostics"}
            return OfficialAnswer(status, found, counts, payload)
        if status == 400:
            message = payload.get("error", {}).get("message", "") if isinstance(payload, dict) else str(payload)
            if message.startswith("invalid flow definition"):
                detail = message.removeprefix("invalid flow definition:").strip()
                return OfficialAnswer(status, [OfficialDiagnostic(classify_rejection(detail), 1, None, detail)],
                                      {"numFatal": 1}, payload)
        raise OracleUnavailable(f"unexpected answer {status} from the official validator: {str(payload)[:500]}")


# --- flows as the official server receives them ------------------------------------------

class NotSendable(ValueError):
    """The file cannot be given to the official validator (and why)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        raise NotSendable("a !!binary value has no JSON form")
    return value


def _strip_max_retries(value: Any) -> None:
    # See TRANSPORT_ARTIFACT: the REST transport cannot carry an integer field.
    if isinstance(value, dict):
        on_error = value.get("onError")
        if isinstance(on_error, dict) and isinstance(on_error.get("maxRetries"), int):
            del on_error["maxRetries"]
        for item in value.values():
            _strip_max_retries(item)
    elif isinstance(value, list):
        for item in value:
            _strip_max_retries(item)


def flow_to_json(data: bytes) -> dict[str, Any]:
    """The flow in ``data`` as JSON data, loaded with ruamel.yaml's safe loader.

    Raises :class:`NotSendable` when the file does not load (syntax errors,
    duplicate keys, complex keys: SF001/SF003/SF004 territory, where YAML
    itself, not Stepflow, refuses the file) or its root is not a mapping.
    """
    try:
        value = YAML(typ="safe", pure=True).load(data)
    except Exception as exc:  # noqa: BLE001 - any load failure means "not sendable"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotSendable(f"does not load with ruamel.yaml safe: {first}") from None
    if not isinstance(value, dict):
        raise NotSendable(f"its root is {type(value).__name__}, not a mapping")
    value = _jsonable(value)
    _strip_max_retries(value)
    try:
        json.dumps(value, allow_nan=False)
    except ValueError as exc:
        raise NotSendable(f"no JSON form: {exc}") from None
    return value


# --- JSON paths to YAML nodes -------------------------------------------------------------

_SEGMENT = re.compile(r"""\.(?P<name>[^.\[]+)|\[(?P<index>\d+)\]|\["(?P<dq>(?:[^"\\]|\\.)*)"\]|\['(?P<sq>(?:[^'\\]|\\.)*)'\]""")

# The official model names expression parts differently from the YAML keys.
_EXPRESSION_KEYS = {"condition": "$if"}


def split_path(path: str) -> list[str | int] | None:
    """`$.steps[2].input["x.y"]` -> ['steps', 2, 'input', 'x.y']; None when not understood."""
    if not path.startswith("$"):
        return None
    segments: list[str | int] = []
    position = 1
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None:
            return None
        if match.group("index") is not None:
            segments.append(int(match.group("index")))
        else:
            text = next(g for g in (match.group("name"), match.group("dq"), match.group("sq")) if g is not None)
            segments.append(re.sub(r"\\(.)", r"\1", text) if match.group("name") is None else text)
        position = match.end()
    return segments


@dataclass(frozen=True)
class Resolved:
    span: Span
    exact: bool  # False: resolution stopped at an ancestor of the named node
    reached: str  # the part of the path that was resolved


def _member(mapping: MappingNode, name: str) -> tuple[Node, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def resolve(root: Node, path: str) -> Resolved:
    """The span of the node that ``path`` names (a mapping member spans key and value)."""
    segments = split_path(path)
    if segments is None:
        return Resolved(Span.of(root), False, "$")
    node, span, reached = root, Span.of(root), "$"
    for segment in segments:
        step: tuple[Node, Span] | None = None
        if isinstance(segment, int):
            target = node
            if isinstance(node, MappingNode):  # `$coalesce: [...]` is indexed directly
                member = _member(node, "$coalesce")
                target = member[1] if member else node
            if isinstance(target, SequenceNode) and segment < len(target.value):
                item = target.value[segment]
                step = (item, Span.of(item))
        elif isinstance(node, MappingNode):
            member = _member(node, segment) or (_member(node, _EXPRESSION_KEYS[segment])
                                                if segment in _EXPRESSION_KEYS else None)
            if member is not None:
                key, value = member
                step = (value, Span.of(key).cover(Span.of(value)))
        if step is None:
            return Resolved(span, False, reached)
        node, span = step
        reached += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
    return Resolved(span, True, reached)


def overlaps(ours: Span, theirs: Span) -> bool:
    """Ours lies at, contains, or is contained in theirs."""
    return (theirs.start <= ours.start and ours.end <= theirs.end) or (ours.start <= theirs.start and theirs.end <= ours.end)


# --- which files -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
HISTORY_SAMPLE = 60


def _yaml_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def fixture_files() -> list[Path]:
    return _yaml_files(FIXTURES)


def corpus_files() -> list[Path]:
    """All of upstream/current, and a fixed sample of upstream/history (same files on every run)."""
    current = _yaml_files(CORPUS / "upstream" / "current")
    history = _yaml_files(CORPUS / "upstream" / "history")
    sample = sorted(history, key=lambda p: hashlib.sha256(p.name.encode()).hexdigest())[:HISTORY_SAMPLE]
    return current + sorted(sample)


def label(path: Path) -> str:
    for base, prefix in ((FIXTURES, "fixtures"), (CORPUS, "corpus")):
        try:
            return f"{prefix}/{path.relative_to(base)}"
        except ValueError:
            continue
    return str(path)


# --- the mapping table in docs/oracle.md -------------------------------------------------

DOC = ROOT / "docs" / "oracle.md"
_DOC_ROW = re.compile(r"^\|\s*`(?P<kind>[A-Za-z.]+)`\s*\|[^|]*\|\s*(?P<codes>[^|]*)\|")


def documented_table(text: str) -> dict[str, tuple[str, ...]]:
    """The `| \\`kind\\` | level | codes | … |` rows of docs/oracle.md."""
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        match = _DOC_ROW.match(line.strip())
        if match:
            table[match.group("kind")] = tuple(re.findall(r"SF\d{3}", match.group("codes")))
    return table
