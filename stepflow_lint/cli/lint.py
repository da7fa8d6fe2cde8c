"""`stepflow-lint [PATHS…]`: lint, report, and optionally fix."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from ..config import Config, ConfigError, find_config, load_config
from ..diagnostics import Severity
from ..lazy import Console, escape, lazy_attribute  # rich and the engine: imported on first use, not for --help
from ..report import FORMATS, FileReport
from ..report import concise as concise_report
from ..report import github as github_report
from ..report import json as json_report
from ..report import junit as junit_report
from ..report import sarif as sarif_report
from ..report import text as text_report
from ..yaml.source import Source
from ..fix.writer import write_atomically
from . import cli
from .verify_fix import verified_outcome, verify_options  # --fix --verify (issue 7)
from .workers import Plan

config_problems = lazy_attribute("stepflow_lint.engine", "config_problems")
lint_bytes = lazy_attribute("stepflow_lint.engine", "lint_bytes")
fix_source = lazy_attribute("stepflow_lint.fix.apply", "fix_source")
iter_yaml_files = lazy_attribute("stepflow_lint.discovery", "iter_yaml_files")
not_a_flow = lazy_attribute("stepflow_lint.discovery", "not_a_flow")

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_last_result: list = []
DOCUMENT_FORMATS = {"json": json_report, "sarif": sarif_report, "github": github_report, "junit": junit_report}


class Run:
    """State of one invocation: where errors and notes go, what exit code is owed."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.errors = 0
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def error(self, message: str) -> None:
        self.errors += 1
        self.err.print(f"[bold red]error[/bold red]: {escape(message)}")

    def note(self, message: str) -> None:
        self.err.print(f"[dim]{escape(message)}[/dim]")


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--extend-select", multiple=True, help="Rule codes to enable on top of the configured ones.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (pyproject.toml or stepflow-lint.toml); default: nearest one up.")
@click.option("--components", "components", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Component catalog: JSON from GET /components, or a stepflow-config.yml with mock components.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that fails the run [default: warning].")
@click.option("--force", is_flag=True, help="Lint named files even when they do not look like flows.")
@verify_options
def check(paths: tuple[Path, ...], fix: bool, unsafe_fixes: bool, diff: bool, fmt: str, select, ignore,
          extend_select, config_path: Path | None, components, fail_on: str | None, force: bool) -> None:
    """Lint Stepflow flows in PATHS (files or directories; default: the current directory)."""
    run = Run(fmt)
    overrides = {"select": _codes(select), "ignore": _codes(ignore), "extend_select": _codes(extend_select)}
    try:
        fixed_config = _checked(load_config(config_path)) if config_path else None
    except ConfigError as exc:
        run.error(str(exc))
        sys.exit(EXIT_ERROR)
    if config_path and not config_path.exists():
        run.error(f"config file not found: {config_path}")
        sys.exit(EXIT_ERROR)
    catalog = _catalog(run, fixed_config, components)
    configs: dict[Path, Config] = {}

    found_in: dict[Path, Path | None] = {}  # directory -> its nearest config file

    def config_for(path: Path) -> Config:
        if fixed_config is not None:
            return fixed_config.with_overrides(**overrides)
        directory = path.parent
        if directory not in found_in:
            found_in[directory] = find_config(path)
        found = found_in[directory]
        if found not in configs:
            configs[found] = _checked(load_config(found)).with_overrides(**overrides) if found \
                else Config().with_overrides(**overrides)
        return configs[found]

    reports: list[FileReport] = []
    diffs: list[str] = []
    plan = Plan(run.fmt)  # the files and the messages met finding them, in order: workers lint the files
    for path, explicit in _targets(plan, paths or (Path("."),)):
        try:
            config = config_for(path)
        except ConfigError as exc:
            plan.error(str(exc))
            continue
        if not explicit and config.is_excluded(str(path)):
            continue
        plan.add(path, explicit, config)
    reports.extend(plan.run(run, lambda job_run, job_diffs, path, explicit, config: _lint_file(
        job_run, path, explicit, force, config, catalog, fix, unsafe_fixes, diff, job_diffs), diffs))
    _emit(run, reports, diffs, diff)
    sys.exit(_exit_code(run, reports, diffs, diff, fail_on, fixed_config))


def _checked(config: Config) -> Config:
    problems = config_problems(config)
    if problems:
        raise ConfigError(f"{config.path}: " + "; ".join(problems))
    return config


def _catalog(run: Run, config: Config | None, components: tuple[Path, ...]):
    paths = [str(p) for p in components] + (config.components if config else [])
    if not paths:
        return None
    from ..catalog import CatalogError, load_catalog
    try:
        return load_catalog(paths)
    except CatalogError as exc:
        run.error(str(exc))
        sys.exit(EXIT_ERROR)


def _targets(run: Run, paths):
    for path in paths:
        if not path.exists():
            run.error(f"{path}: no such file or directory")
        elif path.is_dir():
            found = False
            for file in iter_yaml_files(path):
                found = True
                yield file, False
            if not found:
                run.note(f"{path}: no YAML files found")
        else:
            yield path, True


def _lint_file(run: Run, path: Path, explicit: bool, force: bool, config: Config, catalog,
               fix: bool, unsafe: bool, diff: bool, diffs: list[str]) -> FileReport | None:
    display = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        run.error(f"{display}: cannot read: {exc.strerror or exc}")
        return None
    try:
        result = lint_bytes(data, display, config, catalog)
        _last_result[:] = [result]  # freed by the next file, or never (exit_now): a large tree takes 0.15 s to free
        if not force:
            # Found by walking a directory, a file must look like a flow. Named on the
            # command line, only YAML recognised as something else (a Kubernetes
            # manifest, an engine config, a CI file) is skipped.
            root = result.document.root if result.document else None
            other = not_a_flow(root, result.source.text, path)
            if other is not None and (other.recognised or not explicit):
                if explicit:
                    run.note(f"{display}: skipped, {other.reason} (use --force to lint it anyway)")
                return None
        report = FileReport(result.source, result.diagnostics)
        if (fix or diff) and result.document is not None:
            report = _apply_fixes(run, result, config, catalog, unsafe, diff, diffs) or report
        return report
    except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others
        run.error(f"{display}: internal error: {type(exc).__name__}: {exc} (please report this)")
        return None


def _apply_fixes(run: Run, linted, config: Config, catalog, unsafe: bool, diff: bool,
                 diffs: list[str]) -> FileReport | None:
    source = linted.source
    outcome = fix_source(source, config, unsafe=unsafe, catalog=catalog, linted=linted)
    if outcome.broken:
        run.error(f"{source.path}: a fix produced invalid YAML and was not applied "
                  f"({', '.join(sorted({d.code for d in outcome.broken}))}); please report this")
    # --- --fix --verify (issue 7): run the flow before and after; None leaves the file untouched ---
    if not diff:
        outcome = verified_outcome(run, linted, outcome, config, catalog, unsafe)
        if outcome is None:
            return None
    # --- end --verify ---
    if not outcome.changed:
        return None
    if diff:
        diffs.append("".join(difflib.unified_diff(
            source.text.splitlines(keepends=True), outcome.text.splitlines(keepends=True),
            fromfile=f"a/{source.path}", tofile=f"b/{source.path}")))
        return None
    write_atomically(Path(source.path), source.to_bytes(outcome.text))
    fixed_source = Source(source.path, outcome.text, source.had_bom)
    return FileReport(fixed_source, outcome.remaining, fixed=len(outcome.applied))


def _emit(run: Run, reports: list[FileReport], diffs: list[str], diff: bool) -> None:
    if diff:
        for chunk in diffs:
            click.echo(chunk, nl=not chunk.endswith("\n"))
        run.note(f"{len(diffs)} file{'s' if len(diffs) != 1 else ''} would be changed" if diffs
                 else "no fixes to apply")
        return
    if run.fmt in DOCUMENT_FORMATS:
        # stdout carries only the document; the summary goes to stderr
        click.echo(DOCUMENT_FORMATS[run.fmt].render(reports))
        if run.fmt == "github":
            run.err.print(text_report.summary(reports))
    elif run.fmt == "concise":
        out = concise_report.render(reports)
        if out:
            click.echo(out)
        text_report_summary = text_report.summary(reports)
        run.err.print(text_report_summary)
    else:
        text_report.render(reports, Console(highlight=False))
    if not reports and run.errors == 0:
        run.note("no Stepflow flows found")


def _exit_code(run: Run, reports, diffs, diff: bool, fail_on: str | None, config: Config | None) -> int:
    if run.errors:
        return EXIT_ERROR
    if getattr(run, "verify_refused", 0):  # --verify refused a fix that changes a result (issue 7)
        return EXIT_FINDINGS
    if diff:
        return EXIT_FINDINGS if diffs else EXIT_OK
    level = Severity.parse(fail_on) if fail_on else (config.fail_on if config and config.fail_on else Severity.WARNING)
    failing = any(d.severity >= level for r in reports for d in r.diagnostics)
    return EXIT_FINDINGS if failing else EXIT_OK
