"""`target-version`: which engine release the rules describe. Skip conditions (`skipIf`,
`skip`, `onSkip`) are read, and make dependencies, only for a release before 0.9."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from stepflow_lint.analysis import analyze_bytes
from stepflow_lint.cli import cli
from stepflow_lint.config import Config, ConfigError, load_config
from stepflow_lint.engine import lint_text
from stepflow_lint.graph import FlowGraph
from stepflow_lint.target import CURRENT, engine_facts

CACHE_FLOW = """\
name: cache
description: the guide's cache pattern
steps:
  - id: check_cache
    component: /cache/get
    input: { key: { $input: q } }
  - id: answer
    component: /ai/answer
    skipIf: { $step: check_cache, path: hit }
    input: { q: { $input: q }, prev: { $step: check_cache, onSkip: { action: useDefault } } }
output: { $step: answer }
"""


def codes(text: str, config: Config) -> list[str]:
    return [d.code for d in lint_text(text, "flow.yaml", config).diagnostics]


def test_default_is_the_current_release():
    assert Config().target_version == CURRENT
    assert not engine_facts().honours_skip
    assert engine_facts("0.8").honours_skip and engine_facts("0.8.2").honours_skip


@pytest.mark.parametrize("written, kept", [("0.8", "0.8"), ("0.12.1", "0.12"), ("v0.13", "0.13")])
def test_config_key(tmp_path, written, kept):
    path = tmp_path / "stepflow-lint.toml"
    path.write_text(f'target-version = "{written}"\n')
    assert load_config(path).target_version == kept


@pytest.mark.parametrize("value", ['"0.7"', '"latest"', "13"])
def test_unknown_version_is_a_clear_error(tmp_path, value):
    path = tmp_path / "stepflow-lint.toml"
    path.write_text(f"target-version = {value}\n")
    with pytest.raises(ConfigError, match="`target-version`: expected a Stepflow release"):
        load_config(path)
    (tmp_path / "flow.yaml").write_text(CACHE_FLOW)
    result = CliRunner().invoke(cli, ["check", "--config", str(path), str(tmp_path / "flow.yaml")])
    assert result.exit_code == 2 and "target-version" in result.output and "Traceback" not in result.output


def test_skip_references_are_no_dependencies_for_the_current_engine():
    flow = lint_text(CACHE_FLOW, "flow.yaml", Config()).flow
    step = flow.steps[1]
    assert step.skip_if is None
    prev = step.refs()[1]
    assert [r.target for r in step.refs() if r.target] == ["check_cache"]  # the input's `prev`, not `skipIf`
    assert [e.name for e in prev.extra] == ["onSkip"] and prev.on_skip is None  # a key the engine ignores
    old = lint_text(CACHE_FLOW, "flow.yaml", Config(target_version="0.8")).flow
    assert [r.target for r in old.steps[1].refs() if r.target] == ["check_cache", "check_cache"]
    assert FlowGraph(flow).waits_for["answer"]["check_cache"] == [prev]


def test_rules_follow_the_target():
    assert codes(CACHE_FLOW, Config()).count("SF114") == 2
    assert "SF114" not in codes(CACHE_FLOW, Config(target_version="0.8"))


def test_analyze_reads_the_flow_as_the_target_engine_does():
    text = CACHE_FLOW.replace(", prev: { $step: check_cache, onSkip: { action: useDefault } }", "")
    current = analyze_bytes(text.encode(), "flow.yaml", Config(), what_if=False)
    old = analyze_bytes(text.encode(), "flow.yaml", Config(target_version="0.8"), what_if=False)
    assert current.figures.waves == [["answer"]]  # check_cache is not needed: it never runs
    assert old.figures.waves == [["check_cache"], ["answer"]]
