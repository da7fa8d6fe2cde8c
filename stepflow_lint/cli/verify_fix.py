"""`--fix --verify` on the lint command: the options, and the one call the fixer makes.

cli/lint.py declares these options with :func:`verify_options` and, where it
has a fixed text in hand, asks :func:`verified_outcome` what to write. All
verification logic lives in ``executor/verify.py``; this module only turns
its verdict into messages, a profile file and an exit code.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

if TYPE_CHECKING:  # the executor loads only when --verify is given: plain lint starts without it
    from ..executor import SessionOptions

META_KEY = "stepflow_lint.verify"


class VerifyRequest(NamedTuple):  # not a dataclass: creating one costs `check --help` 0.6 ms
    verify_input: Any = None
    options: SessionOptions | None = None
    profile_path: Path | None = None


def verify_options(command):
    """Add --verify and its companions to the lint command; they reach the fixer via the click context."""

    @functools.wraps(command)
    def wrapper(*args, verify: bool, verify_input: str | None, stepflow_config: Path | None, simulate: bool,
                latency: tuple[str, ...], engine: str | None, verify_profile: Path | None, **kwargs):
        if verify:
            click.get_current_context().meta[META_KEY] = _request(verify_input, stepflow_config, simulate,
                                                                  latency, engine, verify_profile)
        return command(*args, **kwargs)

    options = [
        click.option("--verify", is_flag=True,
                     help="With --fix: run the flow's test cases (or examples, or --verify-input) before and after "
                          "the fixes; write only when every outcome and result is equal."),
        click.option("--verify-input", default=None, metavar="JSON|@FILE",
                     help="--verify: the input to run when the flow has no test cases or examples."),
        click.option("--stepflow-config", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="--verify: engine config (default: stepflow-config.yml beside the flow, else in the "
                          "current directory)."),
        click.option("--simulate", is_flag=True,
                     help="--verify: components with no mock or builtin answer simulated values after a latency."),
        click.option("--latency", multiple=True, metavar="GLOB=MS",
                     help="--verify --simulate: latency for components matching GLOB (repeatable)."),
        click.option("--engine", default=None, metavar="URL|local",
                     help="--verify on a real stepflow-server instead of the reference executor."),
        click.option("--profile", "verify_profile", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="--verify: write each case's profile before and after as JSON."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _request(verify_input, stepflow_config, simulate, latency, engine, profile_path) -> VerifyRequest:
    from ..executor import ExecutorError
    from .run_flow import fail, read_json_argument, session_options
    try:
        value = read_json_argument(verify_input, "--verify-input") if verify_input is not None else None
        options = session_options(stepflow_config, None, simulate, latency, (), 10, None, engine)
    except ExecutorError as exc:
        fail(str(exc))
    return VerifyRequest(value, options, profile_path)


def verified_outcome(session, linted, outcome, config, catalog, unsafe: bool):
    """What to write after --verify: ``outcome``, the safe fixes only, or None (leave the file as it is)."""
    context = click.get_current_context(silent=True)
    request: VerifyRequest | None = context.meta.get(META_KEY) if context is not None else None
    if request is None or not outcome.changed:
        return outcome
    from dataclasses import replace

    from ..executor import ExecutorError
    from ..executor.verify import CANNOT_RUN, CHANGED, verify_fix
    from ..fix.apply import fix_source
    source = linted.source
    from .flows import with_simulation_settings
    try:
        options = with_simulation_settings(replace(request.options, catalog=request.options.catalog or catalog), config)
    except ExecutorError as exc:
        session.error(f"{source.path}: {exc}")
        return None
    result = verify_fix(source.text, outcome.text, Path(source.path), options, verify_input=request.verify_input)
    if result.verdict == CANNOT_RUN:
        session.note(f"{source.path}: not verified: {result.reason}")
        if not unsafe:
            return outcome
        safe = fix_source(source, config, unsafe=False, catalog=catalog, linted=linted)
        session.note(f"{source.path}: only safe fixes are applied; unsafe fixes need a verified run")
        return safe if safe.changed else None
    if request.profile_path is not None:
        from .run_flow import write_profile
        try:
            write_profile(request.profile_path, {source.path: result.profile_document()})
        except ExecutorError as exc:
            session.error(str(exc))
    for case in result.cases:
        status = "same result" if case.equal else "[red]result changed[/red]"
        session.err.print(f"verify {source.path} :: {case.name}: {status}; makespan "
                      f"{case.makespan_before_ms:.1f} ms → {case.makespan_after_ms:.1f} ms", highlight=False)
    if result.verdict == CHANGED:
        for case in result.changed_cases:
            session.err.print(f"[bold red]refused[/bold red]: {source.path}: the fixes change the result of case "
                          f"{case.name!r}: {case.difference}; the file is left as it was", highlight=False)
        session.verify_refused += 1
        return None
    return outcome
