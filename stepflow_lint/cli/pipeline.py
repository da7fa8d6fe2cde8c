"""The per-file pipeline of `stepflow-lint [PATHS…]`: read, lint, skip non-flows, fix or diff.

:func:`lint_one` is the single place a file goes through; options that act per file
(verification, noqa insertion, …) hook in here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..config import Config, ConfigError
from ..lazy import lazy_attribute
from ..report.file_report import FileReport
from ..yaml.source import Source
from .session import Session
from .targets import Target

if TYPE_CHECKING:
    from ..engine import LintResult

# The engine and its rules load with the first file, not for `--help`.
lint_bytes = lazy_attribute("stepflow_lint.engine", "lint_bytes")
not_a_flow = lazy_attribute("stepflow_lint.discovery", "not_a_flow")
_last_result: list = []  # freed by the next file, or never (exit_now): a large tree takes 0.15 s to free


class Outputs:
    """What the files produced besides their reports: diffs, and stdin's fixed text."""

    def __init__(self):
        self.diffs: list[str] = []
        self.stdin_fixed: bytes | None = None
        self.noqa_added = 0


def lint_one(session: Session, target: Target, outputs: Outputs) -> FileReport | None:
    """Lint one file; None when it is skipped or could not be read (the reason is already said)."""
    options = session.options
    data = _read(session, target)
    if data is None:
        return None
    try:
        config = session.config_for(target.path)
        catalog = session.catalog_for(config)
    except ConfigError as exc:
        if exc.args:  # reported once, for the first file under that config
            session.error(str(exc))
        return None
    try:
        result = lint_bytes(data, target.display, config, catalog)
        _last_result[:] = [result]
        if not options.force and _skipped(session, target, result):
            return None
        report = FileReport(result.source, result.diagnostics, fail_level=session.fail_level(config))
        if options.add_noqa and result.document is not None:
            from .add_noqa import add_noqa
            return add_noqa(session, target, result, report, outputs)
        if (options.fix or options.diff) and result.document is not None:
            return _apply_fixes(session, target, result, config, catalog, report, outputs)
        if target.stdin and options.fix:
            outputs.stdin_fixed = data
        return report
    except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others
        session.error(f"{target.display}: internal error: {type(exc).__name__}: {exc} (please report this)")
        return None


def _read(session: Session, target: Target) -> bytes | None:
    try:
        if target.stdin:
            return sys.stdin.buffer.read()
        return target.path.read_bytes()
    except OSError as exc:
        session.error(f"{target.display}: cannot read: {exc.strerror or exc}")
        return None


def _skipped(session: Session, target: Target, result: LintResult) -> bool:
    """Found by walking a directory, a file must look like a flow; named on the command line
    (pre-commit names every YAML file), YAML recognised as something else is skipped with a note."""
    root = result.document.root if result.document else None
    multi = any(d.code == "SF001" and "one YAML document" in d.message for d in result.diagnostics)
    other = not_a_flow(root, result.source.text, target.path, multi_document=multi)
    if other is None or not (other.recognised or not target.explicit):
        return False
    if target.explicit:
        session.note(f"{target.display}: skipped, {other.reason} (use --force to lint it anyway)")
    return True


def _apply_fixes(session: Session, target: Target, linted: LintResult, config: Config, catalog,
                 report: FileReport, outputs: Outputs) -> FileReport:
    from ..fix.apply import fix_source
    options = session.options
    source = linted.source
    outcome = fix_source(source, config, unsafe=options.unsafe_fixes, catalog=catalog, linted=linted)
    if outcome.broken:
        session.error(f"{source.path}: a fix produced invalid YAML and was not applied "
                      f"({', '.join(sorted({d.code for d in outcome.broken}))}); please report this")
    if not options.diff:  # --fix --verify: run the flow before and after; None leaves the file as it is
        from .verify_fix import verified_outcome
        outcome = verified_outcome(session, linted, outcome, config, catalog, options.unsafe_fixes)
        if outcome is None:
            return report
    if not outcome.changed:
        if target.stdin and options.fix and not options.diff:
            outputs.stdin_fixed = source.to_bytes(source.text)
        return report
    if options.diff:
        from ..fix.diff import unified_diff
        outputs.diffs.append(unified_diff(source.text, outcome.text, outcome.changes,
                                          fromfile=f"a/{source.path}", tofile=f"b/{source.path}"))
        return report
    fixed = FileReport(Source(source.path, outcome.text, source.had_bom), outcome.remaining,
                       fixed=len(outcome.applied), fail_level=report.fail_level, applied=list(outcome.applied))
    if target.stdin:
        outputs.stdin_fixed = source.to_bytes(outcome.text)
        return fixed
    if not write_or_report(session, target, source.to_bytes(outcome.text), f"{len(outcome.applied)} fix(es)"):
        return report
    return fixed


def write_or_report(session: Session, target: Target, data: bytes, what: str) -> bool:
    """Write ``data`` over the target atomically; on refusal say why (once) and return False."""
    from ..fix.writer import ReadOnlyError, write_atomically  # tempfile and its imports: only to write
    try:
        write_atomically(target.path, data)
    except ReadOnlyError:
        session.error(f"{target.display}: the file is read-only; {what} not written")
        return False
    except OSError as exc:
        session.error(f"{target.display}: cannot write the fixed file: {exc.strerror or exc}; nothing written")
        return False
    return True
