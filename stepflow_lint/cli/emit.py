"""Print what a lint run found: the chosen format to stdout or `--output-file`, the rest to stderr."""

from __future__ import annotations

import json
import sys
from collections import Counter
from contextlib import contextmanager

import click

from ..diagnostics import Applicability
from ..report import DOCUMENT_FORMATS, document_renderer
from ..report.file_report import FileReport
from .console import make_console
from .pipeline import Outputs
from .session import Session


@contextmanager
def _destination(session: Session):
    """A text stream for the report: `--output-file`, else stdout."""
    path = session.options.output_file
    if path is None:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        yield handle


def emit(session: Session, reports: list[FileReport], outputs: Outputs) -> None:
    options = session.options
    if options.diff:
        for chunk in outputs.diffs:
            click.echo(chunk, nl=not chunk.endswith("\n"))
        session.note(f"{len(outputs.diffs)} file{'s' if len(outputs.diffs) != 1 else ''} would be changed"
                     if outputs.diffs else "no fixes to apply")
        return
    if outputs.stdin_fixed is not None:
        # `--fix -`: stdout carries the fixed file, as an editor expects; findings go to stderr
        sys.stdout.buffer.write(outputs.stdin_fixed) if hasattr(sys.stdout, "buffer") else \
            click.echo(outputs.stdin_fixed.decode("utf-8", "replace"), nl=False)
        sys.stdout.flush()
        if not options.silent:
            _render(session, reports, session.err, to_stderr=True)
        return
    if options.add_noqa:
        session.err.print(f"Added {outputs.noqa_added} noqa directive{'s' if outputs.noqa_added != 1 else ''}.",
                          highlight=False)
        return
    if options.silent:
        return
    with _destination(session) as stream:
        if options.statistics:
            _statistics(session, reports, stream)
        elif options.fmt in DOCUMENT_FORMATS:
            text = document_renderer(options.fmt)(reports)
            if text:
                click.echo(text, file=stream)
        else:
            console = make_console(options.color if options.output_file is None else "never", file=stream)
            _render(session, reports, console, to_stderr=False)
    if options.fmt in DOCUMENT_FORMATS and not options.statistics and not options.quiet:
        from ..report import text as text_report
        session.err.print(text_report.summary(reports))
    if options.show_fixes:
        _show_fixes(session, reports)
    if not reports and session.errors == 0:
        session.note("no Stepflow flows found")


def _render(session: Session, reports: list[FileReport], console, *, to_stderr: bool) -> None:
    from ..report import text as text_report
    options = session.options
    if options.fmt == "concise" or (to_stderr and options.fmt != "text"):
        from ..report import concise as concise_report
        out = concise_report.render(reports)
        if out:
            console.print(out, highlight=False, markup=False, soft_wrap=True)
    else:
        text_report.render(reports, console, with_summary=not options.quiet)
        return
    if not options.quiet:
        # concise keeps stdout to one line per finding; the summary goes beside the notes
        (console if to_stderr else session.err).print(text_report.summary(reports))


def statistics(reports: list[FileReport]) -> list[dict]:
    """Findings per code, most frequent first (ruff's `--statistics`)."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    fixable: Counter[str] = Counter()
    for report in reports:
        for diag in report.diagnostics:
            counts[diag.code] += 1
            names[diag.code] = diag.name
            if diag.fix is not None and diag.fix.applicability is Applicability.SAFE:
                fixable[diag.code] += 1
    return [{"code": code, "name": names[code], "count": count, "fixable": fixable[code] == count}
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _statistics(session: Session, reports: list[FileReport], stream) -> None:
    rows = statistics(reports)
    if session.options.fmt == "json":
        click.echo(json.dumps(rows, indent=2), file=stream)
        return
    width = max((len(str(r["count"])) for r in rows), default=1)
    for row in rows:
        mark = "[*]" if row["fixable"] else "   "
        click.echo(f"{row['count']:>{width}}\t{row['code']}\t{mark} {row['name']}", file=stream)


def _show_fixes(session: Session, reports: list[FileReport]) -> None:
    """After `--fix`: what was fixed, per file; otherwise what `--fix` would fix."""
    console = session.err if session.options.fmt in DOCUMENT_FORMATS else make_console(session.options.color)
    if session.options.fix:
        per_file = [(r, Counter((d.code, d.name) for d in r.applied)) for r in reports if r.applied]
        heading = "Fixed"
    else:
        per_file = [(r, Counter((d.code, d.name) for d in r.diagnostics if d.fix is not None
                                and d.fix.applicability is Applicability.SAFE)) for r in reports]
        per_file = [(r, c) for r, c in per_file if c]
        heading = "Would fix (with `--fix`)"
    total = sum(sum(c.values()) for _, c in per_file)
    if not total:
        console.print("No fixes applied." if session.options.fix else "No fixes available.", highlight=False)
        return
    console.print(f"{heading} {total} issue{'s' if total != 1 else ''}:", highlight=False, markup=False)
    for report, counts in per_file:
        console.print(f"- {report.source.path}:", highlight=False, markup=False)
        for (code, name), count in sorted(counts.items()):
            console.print(f"    {count} × {code} ({name})", highlight=False, markup=False)
