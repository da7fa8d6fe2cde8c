"""docs/rules.md is generated from the docstrings and stays in sync; every rule's anchor is the one
links.rule_doc_url gives (SARIF helpUri, the language server's codeDescription)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from stepflow_lint.links import RULES_DOC_URL, rule_doc_url
from stepflow_lint.rule_docs import REGENERATE, rules_markdown
from stepflow_lint.rules import all_rules
from tests.cli_helpers import run

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules.md"
SNAPSHOT = ROOT / "tests" / "snapshots" / "rules.json"


def test_docs_rules_md_is_in_sync_with_the_docstrings():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(all_rules()), \
        f"docs/rules.md is stale: run `{REGENERATE}` and commit the result"


def test_every_rule_has_one_anchor_that_its_doc_url_names():
    text = DOCS.read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([a-z0-9]+)"></a>', text)
    assert anchors == [rule.code.lower() for rule in all_rules()]
    for rule in all_rules():
        url = rule_doc_url(rule.code)
        assert url == f"{RULES_DOC_URL}#{rule.code.lower()}"
        assert f'<a id="{url.rsplit("#", 1)[1]}"></a>\n## {rule.code} {rule.name}\n' in text


def test_rules_snapshot_pins_codes_names_severities_and_fixes():
    """A rule's default severity or fix applicability is a contract: changing one must be deliberate
    (`python scripts/gen_rule_docs.py --snapshot`, reviewed in the diff)."""
    listed = json.loads(run("rules", "--format", "json").stdout)
    current = [{k: r[k] for k in ("code", "name", "severity", "fix")} for r in listed]
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == expected, f"rules changed; if deliberate, run `{REGENERATE} --snapshot`"


def test_explain_piped_prints_the_same_markdown_as_the_docs():
    out = run("explain", "SF201").stdout
    assert out.startswith("# SF201 false-dependency\n\nDefault severity: **warning** · fix: **unsafe**")
    assert "\n## What it does\n" in out
    section = DOCS.read_text(encoding="utf-8").split('<a id="sf201"></a>\n', 1)[1].split("<a id=", 1)[0]
    assert out.split("\n## What it does\n", 1)[1].split("\n## Why", 1)[0] in section
