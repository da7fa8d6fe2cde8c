"""The performance guide's own examples: every "❌ Bad"/"Avoid" example is flagged by its rule,
every "✅ Good" example is not, at exact lines of GUIDE.md.

How a ```yaml block becomes a flow (lines stay those of the guide):

* A block is cut into *segments* at comment lines in column 0 that start with ❌ or ✅
  (``# ❌ Bad - …`` / ``# ✅ Good - …``): each segment is its own flow, labelled bad or good.
  Indented labels (``      # ❌ Avoid - …``) label the step they sit in.
* A segment that is a bare list of steps (``- id: …``) gets ``steps:`` on a line before it —
  a block sequence may sit at the key's own indentation, so no column changes; a segment
  with neither ``steps`` nor a bare list (the ``test:`` block) gets ``steps: []`` after it.
* An ``output`` mapping referencing every step is appended: a snippet shows steps whose
  results matter, and the lazy engine runs only what the output reaches (a step that ran
  only because a later step waits for it would make that wait look like a side effect).
* The component catalog is the builtin one plus ``/data/validate`` reading only ``data``:
  the "Avoid False Dependencies" ✅ version is that component's contract, and SF201 needs a
  schema to call a field that is not ordering-only (``processed_data``) unread.
* Steps the snippets reference but do not define (``load_user``) stay undefined: SF102 is
  not checked here, and the data-flow rules judge the references they see.

Checked codes: SF114, SF201, SF301–SF304 and SF401–SF404. For each, the lines it reports over the
whole guide must equal the lines below; each entry carries text of that guide line, so an
edit of the guide fails with a clear message rather than silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from stepflow_lint.catalog import Catalog, ComponentInfo, default_catalog
from stepflow_lint.config import Config
from stepflow_lint.engine import lint_text
from stepflow_lint.rules import REGISTRY

from .conftest import ROOT

GUIDE = ROOT.parent / "shared" / "GUIDE.md"
CHECKED = ("SF114", "SF201", "SF301", "SF302", "SF303", "SF304", "SF401", "SF402", "SF403", "SF404")

# (code, guide line, text on that line). Default configuration.
EXPECTED = [
    # "Avoid False Dependencies", ❌: step2 waits for step1 only through `processed_data`
    # (the comment sits above `original_data`, but the reference is the next field).
    ("SF201", 62, "processed_data: { { $step: step1 } }"),
    # "Reference Specific Fields", ❌ Avoid: `/user/process` is also called with fields of load_user.
    ("SF302", 156, "user_data: { { $step: load_user } }"),
    # "Choose Appropriate Components": the openai call has no max_tokens (the block is neutral).
    ("SF402", 175, "component: /builtin/openai"),
    # "AI Response Caching": generate_ai_response has no max_tokens.
    ("SF402", 301, "component: /builtin/openai"),
    # "AI Response Caching": the engine ignores `skipIf` (removed in 0.9), so the AI is called
    # and the cache written on every request.
    ("SF114", 302, 'skipIf: { { $step: check_ai_cache }, path: "cache_hit" }'),
    ("SF114", 309, 'skipIf: { { $step: check_ai_cache }, path: "cache_hit" }'),
    # "Fan-Out/Fan-In Pattern": flagged on purpose (info). Three hard-coded items of
    # `$input.items` drop a fourth item silently and fail on two; `/builtin/map` runs the
    # same per-item work in parallel for any count, so the guide's parallelism argument
    # does not need one step per index. DESIGN's catalog describes exactly this shape.
    ("SF304", 327, 'item: { { $input }, path: "items[0]" }'),
    # "Sequential Processing", ❌: `previous` is an ordering-only field.
    ("SF201", 425, "previous: { { $step: process_1 } }"),
    # "Over-Granular Steps", ❌: two /extract steps on load_data.
    ("SF303", 446, "- id: get_field_1"),
    ("SF303", 452, "- id: get_field_2"),
    # "Large Data Copying", ❌: load_large_data (large by name) copied whole into two steps.
    ("SF301", 475, "large_dataset: { { $step: load_large_data } }"),
]

# "Batch Operations", ❌ Avoid: a single `items[0]` step. Not flagged by default (min-items
# 2): one step reading one element is indistinguishable from the common, legitimate
# `choices[0]`; the guide's own snippet stands for "one step per item", which is what
# `min-items = 1` reports.
CONFIGURED = [("SF304", 197, 'item: { { $step: load_items }, path: "items[0]" }', {"SF304": {"min-items": 1}})]

LABEL = re.compile(r"^(?P<indent>\s*)#\s*(?P<mark>❌|✅)")


@dataclass
class Segment:
    first_line: int                 # guide line (1-based) of the segment's first line
    lines: list[str]
    label: str | None = None        # "bad" / "good" for a column-0 label
    inline_labels: list[tuple[int, str]] = field(default_factory=list)  # (guide line, label)


def _label(mark: str) -> str:
    return "bad" if mark == "❌" else "good"


def segments() -> list[Segment]:
    text = GUIDE.read_text(encoding="utf-8").splitlines()
    found: list[Segment] = []
    index = 0
    while index < len(text):
        if text[index].strip() != "```yaml":
            index += 1
            continue
        start = index + 1
        end = next(i for i in range(start, len(text)) if text[i].strip() == "```")
        current = Segment(start + 1, [])
        for number in range(start, end):
            line = text[number]
            match = LABEL.match(line)
            if match and not match["indent"]:
                if any(item.strip() for item in current.lines):
                    found.append(current)
                current = Segment(number + 1, [], _label(match["mark"]))
            elif match:
                current.inline_labels.append((number + 1, _label(match["mark"])))
            current.lines.append(line)
        found.append(current)
        index = end + 1
    return found


def as_flow(segment: Segment) -> tuple[str, int]:
    """The segment as flow text, and how many lines were put before it."""
    body = [line for line in segment.lines]
    first = next((line for line in body if line.strip() and not line.lstrip().startswith("#")), "")
    shift = 0
    if first.startswith("- "):
        body.insert(0, "steps:")
        shift = 1
    elif not any(line.startswith("steps:") for line in body):
        body.append("steps: []")
    text = "\n".join(body) + "\n"
    flow = lint_text(text, "guide.yaml").flow
    if flow is not None and flow.output is None and flow.steps:
        text += "output:\n" + "".join(f"  {s.id}: {{ $step: {s.id} }}\n" for s in flow.steps if s.id)
    return text, shift


def guide_catalog() -> Catalog:
    catalog = default_catalog().copy()
    catalog.add(ComponentInfo("/data/validate", {"type": "object", "properties": {"data": {}}}, source="guide"))
    return catalog


def findings(rule_options: dict | None = None) -> list[tuple[str, int, Segment]]:
    config = Config(rules=rule_options or {})
    catalog = guide_catalog()
    result = []
    for segment in segments():
        text, shift = as_flow(segment)
        for diag in lint_text(text, "guide.yaml", config, catalog).diagnostics:
            result.append((diag.code, segment.first_line + diag.span.line - shift, segment))
    return result


pytestmark = pytest.mark.skipif(not GUIDE.is_file(), reason="../shared/GUIDE.md is not beside this checkout")


def _need(code: str) -> None:
    if code not in REGISTRY:  # SF201 / SF401-SF404 come from rules/dependencies.py and rules/ai.py
        pytest.xfail(f"{code} is not registered yet")


def test_every_block_parses():
    bad = [(code, line) for code, line, _ in findings() if code in ("SF001", "SF002")]
    assert bad == []
    assert len(segments()) == 23  # 18 ```yaml blocks, 5 of them holding a ❌ and a ✅ part


def test_expectations_point_at_their_lines():
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    for code, number, anchor, *_ in EXPECTED + CONFIGURED:
        assert anchor in lines[number - 1], (code, number, lines[number - 1])


@pytest.mark.parametrize("code", CHECKED)
def test_rule_flags_exactly_the_expected_guide_lines(code):
    _need(code)
    found = sorted({line for c, line, _ in findings() if c == code})
    assert found == sorted(line for c, line, _ in EXPECTED if c == code)


@pytest.mark.parametrize("code,line,anchor,options", CONFIGURED)
def test_configured_expectations(code, line, anchor, options):
    _need(code)
    assert line not in {l for c, l, _ in findings() if c == code}
    assert line in {l for c, l, _ in findings(options) if c == code}


def _regions() -> list[tuple[str, range]]:
    """(label, guide lines) of every labelled example: a whole segment, or the step an inline label sits in."""
    regions = []
    for segment in segments():
        end = segment.first_line + len(segment.lines)
        if segment.label:
            regions.append((segment.label, range(segment.first_line, end)))
        for number, label in segment.inline_labels:
            offset = number - segment.first_line
            top = next(i for i in range(offset, -1, -1) if segment.lines[i].lstrip().startswith("- "))
            bottom = next((i for i in range(offset + 1, len(segment.lines))
                           if segment.lines[i].lstrip().startswith("- ")), len(segment.lines))
            regions.append((label, range(segment.first_line + top, segment.first_line + bottom)))
    return regions


def test_bad_examples_are_flagged_and_good_ones_are_not():
    expected = [(code, line) for code, line, *_ in EXPECTED + CONFIGURED]
    regions = _regions()
    assert sum(label == "bad" for label, _ in regions) == 6
    assert sum(label == "good" for label, _ in regions) == 6
    for label, lines in regions:
        inside = [item for item in expected if item[1] in lines]
        assert bool(inside) == (label == "bad"), (label, lines, inside)
