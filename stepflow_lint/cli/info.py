"""`rules` and `explain`: the rule documentation, straight from each rule's docstring."""

from __future__ import annotations

import sys

import click

from ..lazy import Console, Markdown, Table, escape, lazy_attribute  # rich, imported on first use
from .group import cli
from .console import rich_output

REGISTRY = lazy_attribute("stepflow_lint.rules", "REGISTRY")  # the rules: not for --help
all_rules = lazy_attribute("stepflow_lint.rules", "all_rules")


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(fmt: str) -> None:
    """List every rule: code, name, default severity, fix availability."""
    rules = all_rules()
    if fmt == "json":
        import json  # here, as every import of this module: `--help` imports it
        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": str(r.severity),
                                "fix": str(r.fix), "summary": r.summary()} for r in rules], indent=2))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("code", "name", "severity", "fix", "what it catches"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        table.add_row(rule.code, rule.name, str(rule.severity), str(rule.fix), rule.summary())
    with rich_output() as console:
        console.print(table)


@cli.command("explain")
@click.argument("code")
def explain_command(code: str) -> None:
    """Show the documentation of rule CODE (e.g. SF201, or its name)."""
    wanted = code.strip()
    rule = REGISTRY.get(wanted.upper()) or next((r for r in REGISTRY.values() if r.name == wanted.lower()), None)
    if rule is None:
        raise click.UsageError(f"unknown rule {code!r}; `stepflow-lint rules` lists them")
    if not sys.stdout.isatty():
        # piped or redirected: the Markdown itself, as docs/rules.md has it
        from ..rule_docs import rule_markdown
        click.echo(rule_markdown(rule).rstrip("\n"))
        return
    _explain(Console(highlight=False), rule)


def _explain(console, rule) -> None:
    import json
    console.print(f"[bold]{rule.code} {rule.name}[/bold]  "
                  f"(default severity: {rule.severity}; fix: {rule.fix})", highlight=False)
    console.print(Markdown(rule.documentation()))
    if rule.default_options:
        console.print()
        console.print("[bold]Options[/bold] " + escape(f"([tool.stepflow-lint.rules.{rule.code}] in pyproject.toml; "
                      f"[rules.{rule.code}] in stepflow-lint.toml), with their defaults:"), highlight=False)
        for key, value in rule.default_options.items():
            console.print(escape(f"  {key} = {json.dumps(value)}"), highlight=False, soft_wrap=True)
