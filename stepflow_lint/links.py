"""Where the project and each rule's documentation live, for SARIF `helpUri` and the LSP's `codeDescription`."""

from __future__ import annotations

PROJECT_URL = "https://github.com/stepflow-lint/stepflow-lint"
RULES_DOC_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"


def rule_doc_url(code: str) -> str:
    """The stable anchor of one rule in docs/rules.md: its code in lower case (`#sf201`)."""
    return f"{RULES_DOC_URL}#{code.lower()}"
