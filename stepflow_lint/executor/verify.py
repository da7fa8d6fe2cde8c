"""`--fix --verify`: run a flow before and after its fixes with the same components; equal results or no write.

:func:`verify_fix` takes the original text, the fixed text, the flow's path and
the run options, runs every case (the flow's `test.cases`, else its
`examples`, else `--verify-input`) on both versions, and returns a verdict:

* ``same``: every case has the same outcome and result: the fix may be written;
* ``changed``: some case differs: the file must stay as it is;
* ``cannot-run``: there is nothing to run, or a needed component is neither
  mocked nor simulated: only safe fixes may be written, unverified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..yaml.source import Source
from .backends import open_backend, shared_engine
from .errors import ExecutorError
from .load import LoadedFlow, load_flow_text
from .profile import profile
from .session import SessionOptions
from .values import numerically_equal, strictly_equal

SAME, CHANGED, CANNOT_RUN = "same", "changed", "cannot-run"


@dataclass
class CaseComparison:
    name: str
    before: dict[str, Any]
    after: dict[str, Any]
    makespan_before_ms: float
    makespan_after_ms: float
    difference: str | None = None       # where the results differ, None when equal
    profiles: dict[str, Any] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return self.difference is None


@dataclass
class Verification:
    verdict: str
    reason: str = ""
    cases: list[CaseComparison] = field(default_factory=list)

    @property
    def changed_cases(self) -> list[CaseComparison]:
        return [c for c in self.cases if not c.equal]

    def profile_document(self) -> dict[str, Any]:
        return {c.name: c.profiles for c in self.cases if c.profiles}


def verification_cases(flow: LoadedFlow, verify_input: Any = None) -> list[tuple[str, Any]]:
    """(name, input) of what to run: `--verify-input`, else the test cases, else the examples."""
    if verify_input is not None:
        return [("--verify-input", verify_input)]
    if flow.cases:
        return [(str(c.get("name") or f"case {i + 1}"), c.get("input", {})) for i, c in enumerate(flow.cases)]
    examples = flow.data.get("examples")
    if isinstance(examples, list):
        found = [(str(e.get("name") or f"example {i + 1}"), e.get("input", {}))
                 for i, e in enumerate(examples) if isinstance(e, dict)]
        if found:
            return found
    return []


def verify_fix(original: str, fixed: str, path: Path, options: SessionOptions, *,
               verify_input: Any = None) -> Verification:
    try:
        before = _load(original, path)
        after = _load(fixed, path)
    except ExecutorError as exc:
        return Verification(CANNOT_RUN, f"the flow cannot run: {exc}")
    cases = verification_cases(before, verify_input)
    if not cases:
        return Verification(CANNOT_RUN, "it has no test cases or examples to run, and no --verify-input was given")
    try:
        with shared_engine(before, options, for_tests=True) as options, \
                open_backend(before, options, for_tests=True) as run_before, \
                open_backend(after, options, for_tests=True) as run_after:
            missing = sorted(set(run_before.missing_components()) | set(run_after.missing_components()))
            if missing:
                return Verification(CANNOT_RUN, "components are neither mocked nor simulated (--simulate): "
                                    + "; ".join(missing))
            comparisons = [_compare(name, value, run_before, run_after) for name, value in cases]
    except ExecutorError as exc:
        return Verification(CANNOT_RUN, str(exc))
    verdict = CHANGED if any(not c.equal for c in comparisons) else SAME
    return Verification(verdict, "", comparisons)


def _load(text: str, path: Path) -> LoadedFlow:
    # Lint errors do not refuse the flow here (a fix may be what makes it clean); the engine's refusals do.
    return load_flow_text(Source.from_text(text, str(path)), path)


def _compare(name: str, value: Any, run_before, run_after) -> CaseComparison:
    before, after = run_before.run(value), run_after.run(value)
    equal = numerically_equal if before.numeric else strictly_equal
    difference = None
    if before.result.get("outcome") != after.result.get("outcome"):
        failed = before.result if before.result.get("outcome") == "failed" else after.result
        difference = (f"outcome {before.result.get('outcome')} before, {after.result.get('outcome')} after "
                      f"({_show(failed.get('error'))})")
    elif not equal(before.result, after.result):
        difference = first_difference(before.result, after.result)
    comparison = CaseComparison(name, before.result, after.result, before.makespan_ms, after.makespan_ms, difference)
    if before.report is not None and after.report is not None:
        comparison.profiles = {"before": profile(before.report, value), "after": profile(after.report, value)}
    return comparison


def first_difference(before: Any, after: Any, where: str = "$") -> str:
    """The first place two results differ, with both values."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            if key not in after or key not in before or not strictly_equal(before[key], after[key]):
                if key in before and key in after:
                    return first_difference(before[key], after[key], f"{where}.{key}")
                return f"{where}.{key}: before {_show(before.get(key, '<absent>'))}, " \
                       f"after {_show(after.get(key, '<absent>'))}"
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (b, a) in enumerate(zip(before, after)):
            if not strictly_equal(b, a):
                return first_difference(b, a, f"{where}[{index}]")
    return f"{where}: before {_show(before)}, after {_show(after)}"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 160 else text[:157] + "…"
