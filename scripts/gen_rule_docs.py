"""Regenerate docs/rules.md from the rules' docstrings (and, with --snapshot, the rules snapshot).

    python scripts/gen_rule_docs.py             # docs/rules.md
    python scripts/gen_rule_docs.py --snapshot  # also tests/snapshots/rules.json (a deliberate change
                                                # of a code, name, default severity or fix)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stepflow_lint.rule_docs import rules_markdown  # noqa: E402
from stepflow_lint.rules import all_rules  # noqa: E402

DOCS = ROOT / "docs" / "rules.md"
SNAPSHOT = ROOT / "tests" / "snapshots" / "rules.json"


def snapshot() -> list[dict]:
    """What users' configs and CI depend on: code, name, default severity, fix applicability."""
    return [{"code": r.code, "name": r.name, "severity": str(r.severity), "fix": str(r.fix)} for r in all_rules()]


def main(argv: list[str]) -> int:
    DOCS.write_text(rules_markdown(all_rules()), encoding="utf-8")
    print(f"wrote {DOCS.relative_to(ROOT)}")
    if "--snapshot" in argv:
        SNAPSHOT.write_text(json.dumps(snapshot(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {SNAPSHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
