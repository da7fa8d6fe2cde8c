"""What `stepflow-lint [PATHS…]` does once its options are read: find the files, lint each, report.

Imported when the lint command runs (cli/lint.py declares it), not for `--help`.
"""

from __future__ import annotations

from pathlib import Path

from ..report.file_report import FileReport
from .pipeline import Outputs, lint_one
from .session import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, LintOptions, Session
from .targets import collect
from .workers import Plan


def run_lint(options: LintOptions, paths: tuple[Path, ...]) -> int:
    """Lint every target once and report; the exit code (0 clean, 1 findings, 2 errors)."""
    session = Session(options)
    if options.unsafe_fixes and not (options.fix or options.diff):
        session.warn("--unsafe-fixes does nothing without --fix or --diff")
    if not session.load_fixed_config():
        return EXIT_ERROR
    reports: list[FileReport] = []
    outputs = Outputs()
    # The files and the messages met finding them, in order; a plain lint of many files is shared
    # out to worker processes (workers.py), which leave the output as one process gives it.
    plan = Plan()
    for target in collect(paths, stdin_filename=options.stdin_filename, error=plan.error,
                          note=plan.note, excluded=lambda path: _excluded(session, path, plan),
                          force_exclude=options.force_exclude):
        plan.add(target)
    read_only = not (options.fix or options.diff or options.add_noqa)
    for report in plan.run(session, lambda reporter, target: lint_one(reporter, target, outputs),
                           parallel=read_only):
        reports.append(report)
    from .emit import emit
    try:
        emit(session, reports, outputs)
    except OSError as exc:
        session.error(f"{options.output_file}: cannot write the report: {exc.strerror or exc}")
    return exit_code(session, reports, outputs)


def _excluded(session: Session, path: Path, plan: Plan) -> bool:
    from ..config import ConfigError
    try:
        return session.config_for(path).is_excluded(str(path))
    except ConfigError as exc:
        if exc.args:  # the first file or folder under a broken config reports it; the rest are silent
            plan.error(str(exc))
        return False


def exit_code(session: Session, reports: list[FileReport], outputs: Outputs) -> int:
    if session.errors:
        return EXIT_ERROR
    if session.options.exit_zero or session.options.add_noqa:
        return EXIT_OK
    if session.verify_refused:  # --verify refused a fix that changes a result
        return EXIT_FINDINGS
    if session.options.diff:
        return EXIT_FINDINGS if outputs.diffs else EXIT_OK
    return EXIT_FINDINGS if any(report.failing() for report in reports) else EXIT_OK
