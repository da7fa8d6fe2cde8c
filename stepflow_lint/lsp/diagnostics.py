"""Core diagnostics as LSP diagnostics: code, documentation link, tags, related locations.

Diagnostics are built as plain JSON-ready dicts, the wire shape of `Diagnostic`:
a large flow has hundreds, and lsprotocol's attrs classes plus the cattrs
converter cost more than the lint itself (164 ms from edit to diagnostics at
1 000 steps, 566 diagnostics). Push sends the dicts as they are; pull and code
actions, which need lsprotocol objects, structure them from the same dicts, so
there is one description of a diagnostic.
"""

from __future__ import annotations

import functools

from lsprotocol import types

from ..diagnostics import Diagnostic, Severity
from ..links import rule_doc_url

SOURCE = "stepflow-lint"

SEVERITIES = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning,
              Severity.INFO: types.DiagnosticSeverity.Information}

# The one table of diagnostic tags: editors fade unnecessary code and strike deprecated code through.
TAGS: dict[str, list[types.DiagnosticTag]] = {
    "SF105": [types.DiagnosticTag.Unnecessary],   # a step the engine never runs
    "SF004": [types.DiagnosticTag.Deprecated],    # reference shapes of older dialects and the guide's notation
    "SF005": [types.DiagnosticTag.Deprecated],    # legacy spellings ($from, snake_case keys, ...)
}


def to_payload(diag: Diagnostic, snapshot) -> dict:
    """One diagnostic as the JSON object `publishDiagnostics` carries (keys as lsprotocol writes them)."""
    message = diag.message
    if diag.notes:
        message += "\n" + "\n".join(diag.notes)
    positions = snapshot.positions
    found = {
        "range": positions.range_json(diag.span.start, diag.span.end),
        "message": message,
        "severity": SEVERITIES.get(diag.severity, types.DiagnosticSeverity.Warning).value,
        "code": diag.code,
        "codeDescription": {"href": rule_doc_url(diag.code)},
        "source": SOURCE,
    }
    tags = TAGS.get(diag.code)
    if tags:
        found["tags"] = [tag.value for tag in tags]
    related_information = related(diag, snapshot)
    if related_information:
        found["relatedInformation"] = related_information
    return found


def to_lsp(payload: dict) -> types.Diagnostic:
    """The lsprotocol object of a payload (pull reports and code actions are typed)."""
    return _converter().structure(payload, types.Diagnostic)


@functools.cache
def _converter():
    # Building pygls's converter registers hooks for every LSP type: once per process, not per call.
    from pygls.protocol import default_converter
    return default_converter()


def related(diag: Diagnostic, snapshot) -> list[dict]:
    """Where the other half of a finding is: the step a reference points to, the first of two
    duplicate ids, the other steps of a cycle."""
    if snapshot.flow is None:
        return []
    locations = snapshot.locations
    found: list[dict] = []

    def point(start: int, end: int, message: str) -> None:
        location = {"uri": snapshot.uri, "range": snapshot.positions.range_json(start, end)}
        found.append({"location": location, "message": message})

    span = diag.span
    if diag.code == "SF101":
        definition = locations.definition_at(span.start)
        if definition is not None:
            for other in locations.defined(definition.flow, definition.step.id):
                if other is not definition:
                    point(other.start, other.end, f"`{other.step.id}` is also the id of this step")
        return found
    # The finding is about one reference when its span lies within the reference's mapping.
    ref = locations.reference_around(span.start, span.end)
    if ref is None:
        return found
    targets = locations.defined(ref.flow, ref.ref.target)
    for target in targets[:1]:
        point(target.start, target.end, f"step `{target.step.id}` is defined here")
    if diag.code == "SF104" and ref.owner is not None:
        from ..graph import FlowGraph
        for cycle in FlowGraph(ref.flow).cycles():
            if ref.owner.id in cycle:
                for sid in cycle:
                    if sid not in (ref.owner.id, ref.ref.target):
                        for other in locations.defined(ref.flow, sid)[:1]:
                            point(other.start, other.end, f"step `{sid}` is part of the cycle")
    return found
