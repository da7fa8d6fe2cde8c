"""Core diagnostics as LSP diagnostics: code, documentation link, tags, related locations.

A diagnostic is first described by a hashable tuple of everything its JSON
depends on (:func:`describe`), then written as a plain JSON-ready dict, the wire
shape of `Diagnostic` (:func:`payload_of`): a large flow has hundreds, and
lsprotocol's attrs classes plus the cattrs converter cost more than the lint
itself (164 ms from edit to diagnostics at 1 000 steps, 566 diagnostics). Push
sends each description's JSON text, kept across versions (:mod:`wire`); pull and
code actions, which need lsprotocol objects, structure the same dicts, so there is
one description of a diagnostic.
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


def describe(diag: Diagnostic, snapshot) -> tuple:
    """Everything a diagnostic's JSON depends on, as a hashable key: code, severity, message, range
    (in the negotiated encoding) and related locations. The tags and the documentation link follow
    from the code, the related locations' URI is the document's."""
    message = diag.message
    if diag.notes:
        message += "\n" + "\n".join(diag.notes)
    span = diag.span
    severity = SEVERITIES.get(diag.severity, types.DiagnosticSeverity.Warning).value
    where = snapshot.positions.units_range(span.start, span.end)
    return diag.code, severity, message, where, related(diag, snapshot)


def payload_of(description: tuple, uri: str) -> dict:
    """A diagnostic as the JSON object `publishDiagnostics` carries (keys as lsprotocol writes them)."""
    code, severity, message, where, related_information = description
    found = {
        "range": _range(where),
        "message": message,
        "severity": severity,
        "code": code,
        "codeDescription": {"href": rule_doc_url(code)},
        "source": SOURCE,
    }
    tags = TAGS.get(code)
    if tags:
        found["tags"] = [tag.value for tag in tags]
    if related_information:
        found["relatedInformation"] = [{"location": {"uri": uri, "range": _range(place)}, "message": note}
                                       for place, note in related_information]
    return found


def _range(where: tuple) -> dict:
    (start_line, start_character), (end_line, end_character) = where
    return {"start": {"line": start_line, "character": start_character},
            "end": {"line": end_line, "character": end_character}}


def to_lsp(payload: dict) -> types.Diagnostic:
    """The lsprotocol object of a payload (pull reports and code actions are typed)."""
    return _converter().structure(payload, types.Diagnostic)


@functools.cache
def _converter():
    # Building pygls's converter registers hooks for every LSP type: once per process, not per call.
    from pygls.protocol import default_converter
    return default_converter()


def related(diag: Diagnostic, snapshot) -> tuple:
    """Where the other half of a finding is: the step a reference points to, the first of two
    duplicate ids, the other steps of a cycle. A tuple of (range in client units, message)."""
    if snapshot.flow is None:
        return ()
    locations = snapshot.locations
    found: list[tuple] = []

    def point(start: int, end: int, message: str) -> None:
        found.append((snapshot.positions.units_range(start, end), message))

    span = diag.span
    if diag.code == "SF101":
        definition = locations.definition_at(span.start)
        if definition is not None:
            for other in locations.defined(definition.flow, definition.step.id):
                if other is not definition:
                    point(other.start, other.end, f"`{other.step.id}` is also the id of this step")
        return tuple(found)
    # The finding is about one reference when its span lies within the reference's mapping.
    ref = locations.reference_around(span.start, span.end)
    if ref is None:
        return ()
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
    return tuple(found)
