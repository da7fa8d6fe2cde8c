"""Rule documentation as Markdown, from each rule's docstring: `explain` when piped, and
docs/rules.md (regenerate with `python scripts/gen_rule_docs.py`)."""

from __future__ import annotations

import json
import re

from .links import PROJECT_URL

REGENERATE = "python scripts/gen_rule_docs.py"


def _demoted(markdown: str, levels: int) -> str:
    """Push the docstring's headings down so that they sit under the rule's own heading."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"#{1,5} ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


def options_markdown(rule) -> str:
    if not rule.default_options:
        return ""
    lines = [f"Options (`[tool.stepflow-lint.rules.{rule.code}]` in `pyproject.toml`, `[rules.{rule.code}]` "
             "in `stepflow-lint.toml`), with their defaults:", "", "```toml"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in rule.default_options.items()]
    return "\n".join(lines + ["```"])


def rule_markdown(rule, level: int = 1) -> str:
    """One rule's page: heading (with a stable `<a id>` anchor at level 2), facts, docstring, options."""
    heading = "#" * level
    parts = [f'<a id="{rule.code.lower()}"></a>\n' if level > 1 else "",
             f"{heading} {rule.code} {rule.name}\n\n",
             f"Default severity: **{rule.severity}** · fix: **{rule.fix}**\n\n",
             _demoted(rule.documentation(), level - 1), "\n"]
    options = options_markdown(rule)
    if options:
        parts += [f"\n{'#' * (level + 1)} Options\n\n", options, "\n"]
    return "".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_markdown(rules) -> str:
    """The whole rule reference, docs/rules.md."""
    lines = ["# Rules", "",
             f"<!-- Generated from the rules' docstrings by `{REGENERATE}`; do not edit by hand. -->", "",
             f"Every rule of [stepflow-lint]({PROJECT_URL}): `stepflow-lint explain CODE` prints the same text.",
             "Each rule's anchor is its code in lower case (`#sf201`).", "",
             "| code | name | severity | fix | what it catches |", "|---|---|---|---|---|"]
    lines += [f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity} | {r.fix} | {_cell(r.summary())} |"
              for r in rules]
    body = "\n".join(lines) + "\n"
    return body + "".join("\n" + rule_markdown(r, level=2) for r in rules)
