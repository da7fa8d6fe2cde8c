"""Differential test: every fatal/error diagnostic of the official Stepflow validator
(`stepflow-server`, dry-run `POST /api/v1/flows`) has a counterpart in stepflow-lint.

A counterpart is a diagnostic whose code the table `KIND_TO_CODES` (tests/oracle.py,
documented in docs/oracle.md) maps the official kind to, and whose span lies at,
contains, or is contained in the YAML node that the official JSON path names. A
refusal (HTTP 400 "invalid flow definition", no path) needs a mapped code anywhere
in the file. Deliberate differences are listed in `KNOWN_DIFFERENCES` with a reason.

The reverse direction (our errors that the official validator does not report) is
printed by the last test, not asserted.

Run: `pytest -m oracle tests/test_oracle.py` (add `-s` to see the inventory lines too).
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ruamel.yaml.nodes import MappingNode

from stepflow_lint.diagnostics import Diagnostic, Severity
from stepflow_lint.engine import lint_bytes
from stepflow_lint.yaml.parse import parse
from stepflow_lint.yaml.source import Source

from . import oracle
from .oracle import (DOC, KIND_TO_CODES, TRANSPORT_ARTIFACT, NotSendable, OfficialAnswer,
                     OfficialDiagnostic, OfficialServer, documented_table, flow_to_json, label, overlaps, resolve)

pytestmark = pytest.mark.oracle


# --- deliberate differences -------------------------------------------------------------

@dataclass(frozen=True)
class KnownDifference:
    name: str
    reason: str

    def applies(self, official: OfficialDiagnostic, flow: dict) -> bool:
        if self.name == "protobuf-integer-transport":
            return official.path is None and bool(TRANSPORT_ARTIFACT.search(official.message))
        if self.name == "self-reference-through-duplicate-id":
            if official.kind != "selfReference" or official.path is None:
                return False
            _, ids, _ = _enclosing(flow, official.path)
            step_id = (official.data or {}).get("step_id")
            return ids.count(step_id) > 1
        if self.name == "open-variables-schema":
            if official.kind not in ("undefinedVariable", "undefinedRequiredVariable") or official.path is None:
                return False
            owner, _, _ = _enclosing(flow, official.path)
            extra = _dig(owner, "schemas", "properties", "variables", "additionalProperties")
            return extra is True or isinstance(extra, dict)
        return False


KNOWN_DIFFERENCES = [
    KnownDifference(
        "protobuf-integer-transport",
        "the REST API carries the flow as google.protobuf.Struct (numbers are doubles), so an integer "
        "field such as onError.maxRetries arrives as `3.0` and is refused as 'expected u32'. It is not "
        "a finding about the flow; flow_to_json strips maxRetries and any refusal still of this shape "
        "is not held against us.",
    ),
    KnownDifference(
        "self-reference-through-duplicate-id",
        "when two steps share an id, `$step: load` inside the second `load` is read by the official "
        "validator as a self reference; stepflow-lint reports the root cause once (SF101 on the duplicate "
        "id) and does not guess which `load` the reference means, so there is no SF103 there.",
    ),
    KnownDifference(
        "open-variables-schema",
        "a variables schema with `additionalProperties: true` (or a schema) accepts any variable name "
        "by JSON Schema's own rules; the official validator only knows the listed `properties` and "
        "reports the others as undefined. SF109 follows the schema.",
    ),
]


# --- the server, one per module ------------------------------------------------------------

@pytest.fixture(scope="module")
def official():
    try:
        import stepflow_orchestrator  # noqa: F401
    except ImportError as exc:  # the only reason to skip rather than fail
        pytest.skip(f"stepflow_orchestrator is not importable ({exc}): pip install -e '.[dev]' to run the oracle")
    server = OfficialServer()
    try:
        server.start()  # bounded; raises (fails the tests) when the server does not come up
        yield server
    finally:
        server.stop()


# --- one file: their verdict, ours, and the comparison --------------------------------------

@dataclass
class Comparison:
    label: str
    answer: OfficialAnswer
    ours: list[Diagnostic]
    missing: list[str] = field(default_factory=list)  # official findings without a counterpart
    excused: list[str] = field(default_factory=list)  # official findings under a known difference
    unmatched_ours: list[Diagnostic] = field(default_factory=list)  # our errors they do not report


RESULTS: dict[str, Comparison] = {}


def _enclosing(flow: dict, path: str) -> tuple[dict, list[str], str | None]:
    """The (sub)flow that holds the node at ``path``, its step ids, and the path of the step
    holding the node: `$.steps[3].input.data.$literal.steps[0].input.q` -> the subflow under
    `$literal`, its ids, `$.steps[3].input.data.$literal.steps[0]`."""
    segments = oracle.split_path(path) or []
    last = max((i for i in range(len(segments) - 1) if segments[i] == "steps" and isinstance(segments[i + 1], int)),
               default=None)
    if last is None:
        return flow, _ids(flow.get("steps")), None
    value: object = flow
    owner: object = flow
    for segment in segments[:last + 1]:
        owner = value
        if isinstance(segment, int) and isinstance(value, list) and segment < len(value):
            value = value[segment]
        elif isinstance(segment, str) and isinstance(value, dict):
            value = value.get(segment)
        else:
            return flow, [], None
    prefix = "$" + "".join(f"[{s}]" if isinstance(s, int) else (f".{s}" if re.fullmatch(r"[^.\[\]\"]+", s)
                                                                 else f"[{json.dumps(s)}]")
                           for s in segments[:last + 2])
    return (owner if isinstance(owner, dict) else flow), _ids(value), prefix


def _ids(steps: object) -> list[str]:
    return [s.get("id") for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


def _dig(value: object, *keys: str) -> object:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def counterpart(official: OfficialDiagnostic, root, flow: dict, ours: list[Diagnostic]) -> tuple[bool, str]:
    """Whether ``ours`` holds a counterpart of ``official``; the second item says where we looked."""
    codes = KIND_TO_CODES.get(official.kind)
    if official.kind == "invalidSubflowLiteral" and codes is not None:
        # "Invalid subflow literal: Failed to parse subflow: <the refusal a whole flow would get>":
        # the code of that refusal counts too, inside the `$literal`.
        codes = tuple(dict.fromkeys(codes + KIND_TO_CODES[oracle.classify_rejection(official.message)]))
    if codes is None:
        return False, f"official kind `{official.kind}` is not in KIND_TO_CODES (add it to the table and the doc)"
    if not codes:
        return False, f"`{official.kind}` maps to no stepflow-lint rule"
    if official.path is None:
        # A refusal names no place: any finding with a mapped code anywhere in the file counts.
        hit = [d for d in ours if d.code in codes]
        return bool(hit), f"one of {'/'.join(codes)} anywhere in the file (the refusal has no path)"
    target = resolve(root, official.path)
    where = f"{'/'.join(codes)} at {official.path}" + ("" if target.exact else f" (resolved only to {target.reached})")
    if any(d.code in codes and overlaps(d.span, target.span) for d in ours):
        return True, where
    if official.kind == "undefinedStepReference":
        # The official validator wants a step defined before it is referenced: a reference
        # to a *later* step is "undefined" to it. Two such steps referencing each other are
        # our SF104 (dependency cycle), reported somewhere in the referencing step.
        referenced = (official.data or {}).get("referenced_step")
        _, ids, prefix = _enclosing(flow, official.path)
        if referenced in ids:
            step_span = resolve(root, prefix).span if prefix else target.span
            if any(d.code == "SF104" and overlaps(d.span, step_span) for d in ours):
                return True, where + " or SF104 in that step"
            return False, (where + f" — a forward reference: `{referenced}` is defined later in the file; "
                           "the official validator refuses this (fatal) unless the steps are reordered, and "
                           "no stepflow-lint rule reports it (SF104 only when it closes a cycle)")
    return False, where


def compare(server: OfficialServer, name: str, data: bytes, path: str) -> Comparison:
    if name in RESULTS:
        return RESULTS[name]
    flow = flow_to_json(data)  # NotSendable propagates to the caller
    answer = server.validate(flow)
    ours = lint_bytes(data, path).diagnostics
    root = parse(Source.from_bytes(data, path)).root
    result = Comparison(name, answer, ours)
    for item in answer.diagnostics:
        if not item.asserted:
            continue
        excuse = next((k for k in KNOWN_DIFFERENCES if k.applies(item, flow)), None)
        if excuse is not None:
            result.excused.append(f"{item} [known difference: {excuse.name}]")
            continue
        ok, where = counterpart(item, root, flow, ours)
        if not ok:
            result.missing.append(f"{item}\n      expected: {where}")
    refused = any(item.path is None for item in answer.diagnostics)
    for diag in ours:
        # A refused flow says nothing beyond its first problem: no reverse comparison there.
        if diag.severity < Severity.ERROR or refused:
            continue
        if not any(counterpart(item, root, flow, [diag])[0] for item in answer.diagnostics):
            result.unmatched_ours.append(diag)
    RESULTS[name] = result
    return result


def _report(result: Comparison) -> str:
    lines = [f"{len(result.missing)} official finding(s) of level fatal/error without a stepflow-lint counterpart "
             f"in {result.label}:"]
    lines += [f"  - {m}" for m in result.missing]
    lines.append("  stepflow-lint said:")
    lines += [f"    {d.code} {d.span.line + 1}:{d.span.column + 1} {d.message}" for d in result.ours] or ["    (nothing)"]
    return "\n".join(lines)


# --- probes: small flows that provoke each official finding --------------------------------

@dataclass(frozen=True)
class Probe:
    name: str
    yaml: str
    kinds: frozenset[str]  # the official fatal/error kinds it provokes (asserted: the oracle's own behaviour)


_HEAD = "name: probe\ndescription: provokes one official finding\n"


def _probe(name: str, kinds: set[str], yaml: str) -> Probe:
    return Probe(name, _HEAD + textwrap.dedent(yaml).lstrip(), frozenset(kinds))


PROBES = [
    _probe("undefined-step", {"undefinedStepReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$step: missing}}
        output: {$step: a}
        """),
    _probe("undefined-step-in-output", {"undefinedStepReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {}
        output: [{$step: a}, {$step: missing}]
        """),
    _probe("undefined-step-in-if-and-coalesce", {"undefinedStepReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input:
              x:
                $if: {$step: q}
                then: 1
                else: {$coalesce: [{$step: r}, 2]}
        output: {$step: a}
        """),
    _probe("undefined-step-odd-keys", {"undefinedStepReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {"weird key": {"x.y": {$step: missing}}}
        output: {$step: a}
        """),
    _probe("forward-reference", {"undefinedStepReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$step: b}}
          - id: b
            component: /builtin/eval
            input: {}
        output: {$step: a}
        """),
    _probe("cycle", {"undefinedStepReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$step: b}}
          - id: b
            component: /builtin/eval
            input: {x: {$step: a}}
        output: {$step: b}
        """),
    _probe("undefined-step-in-put-blob-subflow", {"undefinedStepReference"}, """
        steps:
          - id: make
            component: /builtin/put_blob
            input:
              blob_type: flow
              data:
                $literal:
                  steps:
                    - {id: p, component: /y, input: {q: {$step: nope}}}
                  output: {$step: p}
        output: {$step: make}
        """),
    _probe("self-reference", {"selfReference"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$step: a}}
        output: {$step: a}
        """),
    _probe("duplicate-step-id", {"duplicateStepId"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {}
          - id: a
            component: /builtin/eval
            input: {}
        output: {$step: a}
        """),
    _probe("empty-step-id", {"emptyStepId"}, """
        steps:
          - id: ""
            component: /builtin/eval
            input: {}
        output: {$step: ""}
        """),
    _probe("component-without-slash", {"invalidComponent"}, """
        steps:
          - id: a
            component: python://add
            input: {}
        output: {$step: a}
        """),
    _probe("empty-component", {"invalidComponent"}, """
        steps:
          - id: a
            component: ""
            input: {}
        output: {$step: a}
        """),
    _probe("undefined-variables", {"undefinedVariable", "undefinedRequiredVariable"}, """
        schemas:
          type: object
          properties:
            variables:
              type: object
              properties:
                known: {type: string}
        steps:
          - id: a
            component: /builtin/eval
            input:
              x: {$variable: unknown_required}
              y: {$variable: known}
              z: {$variable: unknown_with_default, default: 1}
        output: {$step: a}
        """),
    # Refusals: the flow does not deserialize (HTTP 400, no path).
    _probe("missing-component", {"rejected.missingField"}, """
        steps:
          - id: a
            input: {}
        output: {$step: a}
        """),
    _probe("missing-id", {"rejected.missingField"}, """
        steps:
          - component: /builtin/eval
            input: {}
        output: {$step: a}
        """),
    _probe("steps-not-a-list", {"rejected.invalidType"}, """
        steps:
          a:
            component: /builtin/eval
            input: {}
        output: {$step: a}
        """),
    _probe("null-step", {"rejected.invalidType"}, """
        steps: [null]
        output: 1
        """),
    _probe("must-execute-not-boolean", {"rejected.invalidType"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {}
            mustExecute: "yes"
        output: {$step: a}
        """),
    _probe("version-not-string", {"rejected.invalidType"}, """
        version: 3
        steps: []
        output: 1
        """),
    _probe("legacy-from", {"rejected.legacyFrom"}, """
        steps:
          - id: b
            component: /builtin/eval
            input: {}
          - id: a
            component: /builtin/eval
            input: {x: {$from: {step: b}, path: y}}
        output: {$step: a}
        """),
    _probe("half-migrated-step", {"rejected.stepNotString"}, """
        steps:
          - id: b
            component: /builtin/eval
            input: {}
          - id: a
            component: /builtin/eval
            input: {x: {$step: {step: b}}}
        output: {$step: a}
        """),
    _probe("step-of-input", {"rejected.stepNotString"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$step: {$input: $}}}
        output: {$step: a}
        """),
    _probe("bad-input-path", {"rejected.invalidPath"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$input: "$.items[0"}}
        output: {$step: a}
        """),
    _probe("bad-step-path", {"rejected.invalidPath"}, """
        steps:
          - id: b
            component: /builtin/eval
            input: {}
          - id: a
            component: /builtin/eval
            input: {x: {$step: b, path: "$.items[0"}}
        output: {$step: a}
        """),
    _probe("unknown-error-action", {"rejected.onErrorAction"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {}
            onError: {action: explode}
        output: {$step: a}
        """),
    _probe("if-without-then", {"rejected.malformedExpression"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$if: true}}
        output: {$step: a}
        """),
    _probe("coalesce-not-a-list", {"rejected.malformedExpression"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$coalesce: 5}}
        output: {$step: a}
        """),
    _probe("variable-not-a-string", {"rejected.malformedExpression"}, """
        steps:
          - id: a
            component: /builtin/eval
            input: {x: {$variable: 5}}
        output: {$step: a}
        """),
    _probe("schemas-without-properties", {"rejected.schemasShape"}, """
        schemas:
          input: {type: object}
        steps: []
        output: 1
        """),
    _probe("numeric-test-error-code", {"rejected.invalidType"}, """
        steps: []
        output: 1
        test:
          cases:
            - name: fails
              input: {}
              output: {outcome: failed, error: {code: 500, message: boom}}
        """),
    # Known difference, not a finding: maxRetries is stripped before sending (see oracle.py).
    _probe("max-retries-is-fine", set(), """
        steps:
          - id: a
            component: /builtin/eval
            input: {}
            onError: {action: retry, maxRetries: 3}
        output: {$step: a}
        """),
    _probe("clean", set(), """
        steps:
          - id: load
            component: /builtin/eval
            input: {x: {$input: name}}
          - id: use
            component: /builtin/eval
            input: {x: {$step: load, path: value}}
        output: {$step: use}
        """),
]


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.name)
def test_probe_provokes_the_official_finding(official, probe):
    """Pins down how the official validator behaves (a new engine version may change it)."""
    answer = official.validate(flow_to_json(probe.yaml.encode()))
    seen = {d.kind for d in answer.diagnostics if d.asserted}
    assert seen == probe.kinds, "\n".join(str(d) for d in answer.diagnostics)
    for item in answer.diagnostics:
        assert item.level in oracle.LEVELS, f"unknown level {item.level}: {item}"
        assert item.kind in KIND_TO_CODES, f"official kind `{item.kind}` is missing from KIND_TO_CODES"


@pytest.mark.parametrize("probe", [p for p in PROBES if p.kinds], ids=lambda p: p.name)
def test_probe_has_counterpart(official, probe):
    result = compare(official, f"probe:{probe.name}", probe.yaml.encode(), f"probe_{probe.name}.yaml")
    assert not result.missing, _report(result)


def test_levels_match_counts(official):
    """Level numbers as observed: 1 counts in numFatal, 2 in numError, 3 in numWarning."""
    answer = official.validate(flow_to_json(textwrap.dedent("""
        steps:
          - id: a
            component: nope
            input: {x: {$step: missing}}
          - id: b
            component: /builtin/eval
            input: {}
        output: {$step: a}
        """).encode()))
    by_level = Counter(d.level for d in answer.diagnostics)
    assert by_level[1] == answer.counts["numFatal"] >= 1
    assert by_level[2] == answer.counts["numError"] >= 1
    assert by_level[3] == answer.counts["numWarning"] >= 1


def test_malformed_requests_are_refused_with_a_message(official):
    status, payload = official.post("/api/v1/flows", b"{not json")
    assert 400 <= status < 500 and payload
    status, payload = official.post("/api/v1/flows", json.dumps({"flow": "a string", "dryRun": True}).encode())
    assert 400 <= status < 500 and payload
    status, payload = official.post("/api/v1/flows", json.dumps({"dryRun": True}).encode())
    assert status == 400 and "flow is required" in json.dumps(payload)


# --- fixtures and corpus ---------------------------------------------------------------------

def _inventory() -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to send, and (file, why not) for the YAML files that are not sent."""
    from stepflow_lint.discovery import not_a_flow

    chosen, left_out = [], []
    for path in oracle.fixture_files() + oracle.corpus_files():
        data = path.read_bytes()
        try:
            flow_to_json(data)
        except NotSendable as exc:
            left_out.append((label(path), str(exc)))
            continue
        try:
            root = parse(Source.from_bytes(data, str(path))).root
        except Exception as exc:  # noqa: BLE001 - ours refuses what ruamel's safe loader took
            chosen.append(path)
            left_out.append((label(path), f"(sent) stepflow-lint does not parse it: {exc}"))
            continue
        why = not_a_flow(root, data.decode("utf-8", "replace"), path)
        if why is not None and isinstance(root, MappingNode):
            left_out.append((label(path), f"not a flow: {why.reason}"))
            continue
        chosen.append(path)
    return chosen, left_out


FILES, LEFT_OUT = _inventory()


def test_inventory(capsys):
    """What is sent, and what is left out (and why): nothing is skipped silently."""
    if not oracle.CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent: only fixtures are compared")
    with capsys.disabled():
        print(f"\n[oracle] {len(FILES)} flow file(s) sent to the official validator; {len(LEFT_OUT)} left out:")
        for name, why in LEFT_OUT:
            print(f"[oracle]   {name}: {why}")
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=label)
def test_official_errors_have_counterparts(official, path):
    result = compare(official, label(path), path.read_bytes(), str(path))
    assert not result.missing, _report(result)


# --- reverse direction and the doc ------------------------------------------------------------

def test_reverse_direction_summary(official, capsys):
    """Our errors the official validator does not report: printed, never asserted."""
    for path in FILES:
        try:
            compare(official, label(path), path.read_bytes(), str(path))
        except NotSendable:
            continue
    for probe in PROBES:
        compare(official, f"probe:{probe.name}", probe.yaml.encode(), f"probe_{probe.name}.yaml")
    by_code: dict[str, list[str]] = defaultdict(list)
    real = [r for r in RESULTS.values() if not r.label.startswith("probe:")]
    refused = [r for r in real if any(d.path is None for d in r.answer.diagnostics)]
    for result in real:
        for diag in result.unmatched_ours:
            by_code[diag.code].append(f"{result.label}:{diag.span.line + 1}:{diag.span.column + 1} {diag.message}")
    missing = [(r.label, m) for r in RESULTS.values() for m in r.missing]
    excused = [(r.label, m) for r in RESULTS.values() for m in r.excused]
    with capsys.disabled():
        print(f"\n[oracle] compared {len(RESULTS)} flows; official fatal/error without counterpart: {len(missing)}; "
              f"excused as known differences: {len(excused)}")
        for name, line in excused:
            print(f"[oracle]   excused in {name}: {line}")
        kinds = Counter((d.kind, d.level_name) for r in RESULTS.values() for d in r.answer.diagnostics)
        print("[oracle] official findings seen: " + ", ".join(f"{k} ({lv}) x{n}" for (k, lv), n in sorted(kinds.items())))
        print(f"[oracle] reverse direction — our errors the official validator does not report, over "
              f"{len(real) - len(refused)} fixture/corpus flows it validated ({len(refused)} refused whole, "
              "not comparable):")
        for code in sorted(by_code):
            print(f"[oracle]   {code}: {len(by_code[code])}")
            for line in by_code[code][:5]:
                print(f"[oracle]       {line}")
            if len(by_code[code]) > 5:
                print(f"[oracle]       … and {len(by_code[code]) - 5} more")
        if not by_code:
            print("[oracle]   (none)")


def test_doc_table_agrees_with_the_dict():
    documented = documented_table(DOC.read_text(encoding="utf-8"))
    assert documented == KIND_TO_CODES, (
        "docs/oracle.md and tests/oracle.py KIND_TO_CODES disagree:\n"
        f"  only in the doc: { {k: v for k, v in documented.items() if KIND_TO_CODES.get(k) != v} }\n"
        f"  only in the dict: { {k: v for k, v in KIND_TO_CODES.items() if documented.get(k) != v} }")


def test_every_known_difference_has_a_reason():
    for difference in KNOWN_DIFFERENCES:
        assert len(difference.reason) > 40, difference.name
