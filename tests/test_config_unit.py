"""config.py, config_check.py and suppression.py, case by case (written against mutmut's survivors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepflow_lint.config import Config, ConfigError, find_config, from_table, load_config
from stepflow_lint.config_check import _option_problem, checked, config_problems, unknown_selector
from stepflow_lint.diagnostics import Diagnostic, Severity, Span
from stepflow_lint.suppression import Usage, directives, filter_suppressed
from stepflow_lint.yaml.source import Source

TOML = Path("stepflow-lint.toml")
PYPROJECT = Path("pyproject.toml")


def error_of(data, path=TOML) -> str:
    with pytest.raises(ConfigError) as info:
        from_table(data, path)
    return str(info.value)


def test_unknown_keys_all_reported_with_or_without_a_close_match():
    message = error_of({"selct": [], "zzz": 1})
    assert message == ("stepflow-lint.toml: unknown config key `selct` (did you mean `select`?); "
                       "unknown config key `zzz` (known keys: select, extend-select, ignore, extend-ignore, "
                       "per-file-ignores, exclude, extend-exclude, severity, rules, components, fail-on, target-version)")


def test_every_problem_of_a_file_in_one_message():
    assert error_of({"exclude": 5, "fail-on": "x"}, PYPROJECT) == (
        "pyproject.toml: `tool.stepflow-lint.exclude`: expected a list of strings, got 5; "
        "`tool.stepflow-lint.fail-on`: expected \"error\", \"warning\" or \"info\", got 'x'")


@pytest.mark.parametrize("data", [
    {"extend-exclude": ["b"], "exclude": ["a"]}, {"exclude": ["a"], "extend-exclude": ["b"]}])
def test_extend_keys_add_to_their_base_in_any_order(data):
    assert from_table(data, TOML).exclude == ["a", "b"]


@pytest.mark.parametrize("data", [
    {"extend-ignore": ["sf2"], "ignore": ["SF1"]}, {"ignore": ["SF1"], "extend-ignore": ["sf2"]}])
def test_extend_ignore_in_any_order(data):
    assert from_table(data, TOML).ignore == ["SF1", "SF2"]


def test_extend_select_alone_and_values_read():
    config = from_table({"extend-select": "sf201", "components": "c.json", "fail-on": "Error",
                         "severity": {"sf105": "info"}, "rules": {"sf301": {"min-consumers": 3}}},
                        Path("/x/stepflow-lint.toml"))
    assert config.extend_select == ["SF201"] and config.components == [str(Path("/x/c.json").resolve())]
    assert config.fail_on is Severity.ERROR and config.severity == {"SF105": Severity.INFO}
    assert config.rules == {"SF301": {"min-consumers": 3}} and config.select == ["ALL"]


@pytest.mark.parametrize("data, message", [
    ({"severity": 1}, "`severity`: expected a table of CODE = \"error\"|\"warning\"|\"info\", got 1"),
    ({"rules": {"SF301": 2}}, "`rules`: SF301: expected a table of options, got 2"),
    ({"rules": []}, "`rules`: expected a table of per-rule option tables ([rules.SF301] …), got list"),
    ({"per-file-ignores": {"a/*": 3}}, "`per-file-ignores`: 'a/*': expected a list of rule codes or prefixes "
                                       "(e.g. [\"SF201\", \"SF3\"]), got 3"),
    ({"select": {"a": 1}}, "`select`: expected a list of rule codes or prefixes (e.g. [\"SF201\", \"SF3\"]), got dict"),
    ({"exclude": "x" * 50 and 12345678901234567890123456789012345678901234567890},
     "`exclude`: expected a list of strings, got 1234567890123456789012345678901234567..."),
    ({"exclude": ["a", 1]}, "`exclude`: expected a list of strings, got list"),
])
def test_value_errors_say_what_is_expected(data, message):
    assert error_of(data) == f"stepflow-lint.toml: {message}"


def test_pyproject_table_shapes(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\nstepflow-lint = 1\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.stepflow-lint\]: expected a table, got 1$"):
        load_config(path)
    path.write_text('tool = 3\n')
    assert load_config(path).select == ["ALL"]
    path.write_text('[tool.other]\nx = 1\n')
    assert load_config(path).path == path
    path.write_text('[tool.stepflow-lint]\nignore = ["SF1"]\n')
    assert load_config(path).ignore == ["SF1"]


def test_unreadable_configs(tmp_path):
    with pytest.raises(ConfigError, match=r"missing.toml: cannot read config: No such file or directory$"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "latin.toml"
    bad.write_bytes('select = ["caf\xe9"]\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin.toml: cannot read config: 'utf-8' codec can't decode"):
        load_config(bad)
    utf8 = tmp_path / "utf8.toml"
    utf8.write_text('exclude = ["café"]\n', encoding="utf-8")
    assert load_config(utf8).exclude == ["café"]


def test_find_config_skips_foreign_pyprojects(tmp_path):
    (tmp_path / "stepflow-lint.toml").write_text("")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.black]\n")
    (sub / "a.yaml").write_text("")
    assert find_config(sub / "a.yaml") == (tmp_path / "stepflow-lint.toml").resolve()
    assert find_config(sub) == (tmp_path / "stepflow-lint.toml").resolve()
    (sub / "pyproject.toml").write_text("tool = 1\n")
    assert find_config(sub) == (tmp_path / "stepflow-lint.toml").resolve()
    (sub / "pyproject.toml").write_text("[tool.stepflow-lint]\n")
    assert find_config(sub / "a.yaml") == (sub / "pyproject.toml").resolve()
    inner = sub / "inner"
    inner.mkdir()
    (inner / "stepflow-lint.toml").write_text("")
    assert find_config(inner) == (inner / "stepflow-lint.toml").resolve(), "a folder is its own start"


@pytest.mark.parametrize("select, ignore, code, enabled", [
    (["ALL"], [], "SF201", True),
    (["SF2"], ["SF2"], "SF201", False),          # equally specific: ignore wins
    (["SF201"], ["SF2"], "SF201", True),         # the more specific selector wins
    (["SF2"], ["SF201"], "SF201", False),
    (["SF2"], ["ALL"], "SF201", True),
    (["ALL"], ["ALL"], "SF201", False),
    (["SF1"], [], "SF201", False),
])
def test_selection_specificity(select, ignore, code, enabled):
    assert Config(select=select, ignore=ignore).is_enabled(code) is enabled


def test_per_file_ignores_with_all_and_prefixes(tmp_path):
    config = Config(per_file_ignores={"gen/*": ["ALL"], "old.yaml": ["SF0"]}, path=tmp_path / "x.toml")
    assert not config.is_enabled("SF201", str(tmp_path / "gen" / "a.yaml"))
    assert not config.is_enabled("SF005", str(tmp_path / "deep" / "old.yaml"))
    assert config.is_enabled("SF105", str(tmp_path / "deep" / "old.yaml"))
    assert config.is_enabled("SF201", str(tmp_path / "a.yaml"))


def test_exclusion_by_relative_glob_by_folder_name_and_with_a_slash(tmp_path):
    config = Config(exclude=["generated", "legacy/*.yaml", "build/"], path=tmp_path / "x.toml")
    assert config.is_excluded(str(tmp_path / "a" / "generated" / "x.yaml"))
    assert config.is_excluded(str(tmp_path / "legacy" / "x.yaml"))
    assert config.is_excluded(str(tmp_path / "build" / "x.yaml"))
    assert not config.is_excluded(str(tmp_path / "a" / "legacy" / "x.yaml"))
    assert not config.is_excluded(str(tmp_path / "x.yaml"))


def test_overrides():
    base = Config(ignore=["SF1"], extend_select=["SF2"], exclude=["a"])
    clone = base.with_overrides(select=["SF3"], ignore=["SF4"], extend_select=["SF5"], exclude=["b"],
                                extend_exclude=["c"], fail_on=Severity.INFO)
    assert (clone.select, clone.ignore, clone.extend_select, clone.exclude, clone.fail_on) == (
        ["SF3"], ["SF1", "SF4"], ["SF2", "SF5"], ["b", "c"], Severity.INFO)
    assert base.exclude == ["a"] and base.extend_select == ["SF2"], "the original is untouched"
    assert base.with_overrides().exclude == ["a"]


def test_unknown_selector_messages():
    assert unknown_selector("sf2") is None and unknown_selector("ALL") is None
    assert unknown_selector("SF2O1") == "unknown rule code `SF2O1`; did you mean `SF201`?"
    assert unknown_selector("QQQQQQ") == "unknown rule code `QQQQQQ`; `stepflow-lint rules` lists them"


def test_config_problems_name_their_keys(tmp_path):
    config = Config(select=["SF2O1"], extend_select=["SF9"], ignore=["XX"], per_file_ignores={"a/*": ["YY"]},
                    severity={"SF1": Severity.INFO}, rules={"SF101": {"x": 1}, "SF9": {}},
                    path=tmp_path / "pyproject.toml")
    assert config_problems(config) == [
        "`tool.stepflow-lint.select`: unknown rule code `SF2O1`; did you mean `SF201`?",
        "`tool.stepflow-lint.extend-select`: unknown rule code `SF9`; did you mean `SF119`?",
        "`tool.stepflow-lint.ignore`: unknown rule code `XX`; `stepflow-lint rules` lists them",
        "`tool.stepflow-lint.per-file-ignores`.'a/*': unknown rule code `YY`; `stepflow-lint rules` lists them",
        "`tool.stepflow-lint.severity`.SF1: not a single rule code",
        "[tool.stepflow-lint.rules.SF101]: unknown option(s) x (known: none)",
        "[tool.stepflow-lint.rules.SF9]: no rule has this code (unknown rule code `SF9`; "
        "did you mean `SF119`?)",
    ]
    with pytest.raises(ConfigError, match=r"^.*pyproject.toml: `tool.stepflow-lint.select`: .*; `tool"):
        checked(config)
    plain = Config(rules={"SF304": {"min-items": 3, "nope": 1, "also": 2}}, path=Path("stepflow-lint.toml"))
    assert config_problems(plain) == ["[rules.SF304]: unknown option(s) also, nope (known: min-items)"]
    assert checked(Config()) is not None


@pytest.mark.parametrize("default, value, problem", [
    (True, False, None), (True, 1, "expected true or false"),
    (3, 0, None), (3, 7, None), (3, -1, "expected a whole number ≥ 0"), (3, True, "expected a whole number ≥ 0"),
    (3, 2.5, "expected a whole number ≥ 0"),
    (1.5, 0, None), (1.5, 2.5, None), (1.5, -0.1, "expected a number ≥ 0"), (1.5, "1", "expected a number ≥ 0"),
    (1.5, False, "expected a number ≥ 0"),
    ("s", "t", None), ("s", 1, "expected a string"),
    (["a"], ["b"], None), (["a"], [], None), (["a"], "b", "expected a list of strings"),
    (["a"], [1], "expected a list of strings"),
    ({}, {"/ai/*": 0}, None), ({}, {"/ai/*": 2000.5}, None), ({}, 5, "expected a table of GLOB = number"),
    ({}, {"x": -1}, "expected a table"), ({}, {"x": True}, "expected a table"), ({}, {"x": "1"}, "expected a table"),
    (None, object(), None),
])
def test_option_shapes(default, value, problem):
    found = _option_problem(default, value)
    assert (found is None) if problem is None else (found is not None and found.startswith(problem))


def _diag(code: str, line: int) -> Diagnostic:
    return Diagnostic(code, "n", Severity.ERROR, "m", Span(0, 0, line, 0, line, 1))


def test_usage_records_what_each_suppression_hid():
    source = Source.from_text("a: 1  # noqa: SF003\nb: 2  # noqa\nc: 3\n# stepflow-lint: noqa-file SF105\n", "f")
    usage = Usage()
    kept = filter_suppressed(source, [_diag("SF003", 0), _diag("SF101", 1), _diag("SF105", 2), _diag("SF201", 2)],
                             usage)
    assert [d.code for d in kept] == ["SF201"]
    assert usage.lines == {(0, "SF003"), (1, "*")} and usage.file_codes == {"SF105"}
    blanket = Usage()
    whole = Source.from_text("a: 1\n# stepflow-lint: noqa-file\n", "f")
    assert filter_suppressed(whole, [_diag("SF003", 0)], blanket) == [] and blanket.file_codes == {"*"}
    assert [d.code for d in filter_suppressed(whole, [_diag("SF003", 0)], blanket=False)] == ["SF003"]


def test_directives_positions():
    source = Source.from_text("a: 1  # noqa: SF003, SF1O1\nb: 2 # NOQA\n# stepflow-lint: noqa-file SF105\n"
                              "c: '# noqa-filex'\n", "f")
    found = directives(source)
    assert [(d.line, d.start, d.end, d.codes_start, d.codes, d.file_level) for d in found] == [
        (0, 6, 26, 14, ("SF003", "SF1O1"), False),
        (1, 5, 11, 11, (), False),
        (2, 0, 32, 27, ("SF105",), True),
    ], "`# noqa-file…` is not a line-level noqa"


def test_line_noqa_is_not_read_from_a_misspelt_file_directive_or_across_lines():
    source = Source.from_text("a: 1  # noqa-file SF105\nb: 2  # noqa: SF003,\n  SF101\nc: 3  # noqa: SF102\n", "f")
    assert [(d.line, d.codes) for d in directives(source)] == [(3, ("SF102",))]


@pytest.mark.parametrize("length", [40, 41])
def test_long_values_are_shortened_in_messages(length):
    value = 10 ** (length - 1)  # `length` digits
    message = error_of({"exclude": value})
    shown = repr(value) if length <= 40 else repr(value)[:37] + "..."
    assert message.endswith(f"got {shown}")


def test_all_is_less_specific_than_any_prefix():
    assert Config(select=["S"], ignore=["ALL"]).is_enabled("SF201")


def test_find_config_below_a_symlink_loop(tmp_path):
    import os
    (tmp_path / "stepflow-lint.toml").write_text("")
    os.symlink("loop", tmp_path / "loop")
    assert find_config(tmp_path / "loop" / "a.yaml") == tmp_path / "stepflow-lint.toml"


def test_an_unparsable_foreign_pyproject_is_not_ours(tmp_path):
    (tmp_path / "stepflow-lint.toml").write_text("")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool\n")
    assert find_config(sub) == (tmp_path / "stepflow-lint.toml").resolve()


def test_rule_tables_every_problem_reported():
    config = Config(rules={"SF1": {}, "SF9": {}, "SF301": {"large-component": []}}, path=TOML)
    assert config_problems(config) == [
        "[rules.SF1]: no rule has this code (not a single rule code)",
        "[rules.SF9]: no rule has this code (unknown rule code `SF9`; did you mean `SF119`?)",
        "[rules.SF301]: unknown option(s) large-component (known: large-components, large-steps, "
        "blob-components, min-consumers)",
    ]
