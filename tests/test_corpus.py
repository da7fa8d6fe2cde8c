"""The real flows of ../shared/corpus: no crash, and each file parses or gets exactly one SF001."""

from __future__ import annotations

from click.testing import CliRunner

from stepflow_lint.cli import cli
from stepflow_lint.engine import lint_bytes


def corpus_files(corpus):
    return sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_every_corpus_file_lints(corpus):
    files = corpus_files(corpus)
    assert len(files) > 250
    unparsed = 0
    for path in files:
        result = lint_bytes(path.read_bytes(), str(path))
        syntax = [d for d in result.diagnostics if d.code == "SF001"]
        if result.document is None:
            unparsed += 1
            assert len(syntax) == 1, path
            assert syntax[0].span.line >= 0 and syntax[0].message
        else:
            assert syntax == [], path
    assert unparsed < len(files) // 10


def test_whole_corpus_through_the_cli(corpus):
    result = CliRunner().invoke(cli, ["check", "--format", "concise", str(corpus)], catch_exceptions=False)
    assert result.exit_code in (0, 1)
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
