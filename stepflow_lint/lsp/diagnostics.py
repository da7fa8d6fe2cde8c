"""Core diagnostics as LSP diagnostics: code, documentation link, tags, related locations."""

from __future__ import annotations

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


def to_lsp(diag: Diagnostic, snapshot) -> types.Diagnostic:
    message = diag.message
    if diag.notes:
        message += "\n" + "\n".join(diag.notes)
    return types.Diagnostic(
        range=snapshot.positions.span_range(diag.span),
        message=message,
        severity=SEVERITIES.get(diag.severity, types.DiagnosticSeverity.Warning),
        code=diag.code,
        code_description=types.CodeDescription(href=rule_doc_url(diag.code)),
        source=SOURCE,
        tags=TAGS.get(diag.code),
        related_information=related(diag, snapshot) or None,
    )


def related(diag: Diagnostic, snapshot) -> list[types.DiagnosticRelatedInformation]:
    """Where the other half of a finding is: the step a reference points to, the first of two
    duplicate ids, the other steps of a cycle."""
    if snapshot.flow is None:
        return []
    locations = snapshot.locations
    found: list[types.DiagnosticRelatedInformation] = []

    def point(start: int, end: int, message: str) -> None:
        location = types.Location(snapshot.uri, snapshot.positions.range(start, end))
        found.append(types.DiagnosticRelatedInformation(location, message))

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
