"""Property: every combination of fix codes, applied in one `--fix` run to every fix fixture,
gives a parsable flow; fixes that must not change what the flow computes leave its symbolic
semantics (tests/semantics.py) unchanged; and no combination ever composes a path into a blob id
(SF303 after SF301 once did: `path: "blob_id.metadata.id"`)."""

from __future__ import annotations

from itertools import combinations

import pytest

from stepflow_lint.engine import lint_source
from stepflow_lint.fix.apply import applicable, fix_source
from stepflow_lint.yaml.source import Source

from .conftest import FIXTURES, fixture_config
from .semantics import invalid_terms, semantics

# Fixes that change spelling, order or dead code, never what the output computes.
PRESERVING = {"SF004", "SF005", "SF105", "SF113", "SF303", "SF401"}

LARGE_COPY_AND_EXTRACTION = """\
name: both
description: a large output copied whole, and extraction steps on it
steps:
  - id: load_large_data
    component: /data/load
    input: {}
  - id: step1
    component: /process/a
    input:
      large_dataset: { $step: load_large_data }
  - id: step2
    component: /process/b
    input:
      large_dataset: { $step: load_large_data }
  - id: get_id
    component: /extract
    input:
      data: { $step: load_large_data }
      path: "metadata.id"
  - id: get_name
    component: /extract
    input:
      data: { $step: load_large_data }
      path: "metadata.name"
output: { a: { $step: get_id }, b: { $step: get_name }, c: { $step: step1 }, d: { $step: step2 } }
"""

INPUTS = [(p.relative_to(FIXTURES).as_posix(), p.read_bytes())
          for p in sorted((FIXTURES / "fixes").glob("*/*.y*ml")) if ".fixed." not in p.name]
INPUTS.append(("large_copy_and_extraction", LARGE_COPY_AND_EXTRACTION.encode()))


def combos(codes: list[str]):
    for size in range(1, len(codes) + 1):
        yield from combinations(codes, size)


@pytest.mark.parametrize("name, data", INPUTS, ids=[n for n, _ in INPUTS])
def test_every_fix_combination(name, data):
    source = Source.from_bytes(data, name)
    config = fixture_config(source.text)
    linted = lint_source(source, config)
    before = semantics(linted.flow)
    codes = sorted({d.code for d in linted.diagnostics if applicable(d, True)})[:5]  # at most 31 combinations
    assert codes, "a fix fixture has fixes"
    for combo in combos(codes):
        outcome = fix_source(source, config, unsafe=True, codes=set(combo), linted=linted)
        assert not outcome.broken and not outcome.parse_failed, combo
        fixed = lint_source(Source(name, outcome.text), config)
        assert not [d for d in fixed.diagnostics if d.code == "SF001"], combo
        after = semantics(fixed.flow)
        applied = {d.code for d in outcome.applied}
        assert invalid_terms(after) == invalid_terms(before), (combo, outcome.text)
        if applied <= PRESERVING:
            assert after == before, (combo, outcome.text)


def test_large_copy_then_extraction_never_composes_into_the_blob_id():
    source = Source.from_text(LARGE_COPY_AND_EXTRACTION, "flow.yaml")
    text = source.text
    for _ in range(3):  # `--fix --unsafe-fixes`, run again and again
        text = fix_source(Source("flow.yaml", text), unsafe=True).text
        assert "blob_id." not in text and "blob_id[" not in text
