"""Facts about one flow that several rules need, computed once per lint."""

from __future__ import annotations

from functools import cached_property
from itertools import chain

from ..model import Flow, Ref, RefForm, RefKind, Step

_WHOLE_PATHS = (None, "", "$")  # a reference with one of these paths takes the whole value (Ref.whole)


class FlowIndex:
    """What several rules read about one flow, gathered once: get it with ``ctx.index(flow)``.

    Most rules look at every reference or every step input of a flow. When
    each rule walked the value trees itself, the walks cost more than the
    checks (a 10 000-step flow was walked a dozen times). Each property here
    is computed on first use and kept for the rest of the lint; the lists keep
    the order in which a rule walking the values itself would meet them.
    """

    def __init__(self, flow: Flow):
        self.flow = flow

    @cached_property
    def output_refs(self) -> list[Ref]:
        return self.flow.output_refs()

    @cached_property
    def step_refs_by_path(self) -> dict[str | None, list[Ref]]:
        """The `$step` references with a `path`, by its text (None for a path that is not a string).

        Each list in the order of every step's ``Step.refs()``, in step order, then the output's.
        A flow repeats a few paths many times: SF107 and SF108 check each path once, not each reference.
        """
        return self._refs_by_path[0]

    @cached_property
    def input_refs_by_path(self) -> dict[str | None, list[Ref]]:
        """The `$input` references by path, like :attr:`step_refs_by_path` (`$variable` has no path)."""
        return self._refs_by_path[1]

    @cached_property
    def _refs_by_path(self) -> tuple[dict[str | None, list[Ref]], dict[str | None, list[Ref]]]:
        steps: dict[str | None, list[Ref]] = {}
        inputs: dict[str | None, list[Ref]] = {}
        step_kind = RefKind.STEP  # read once: an Enum member costs a call to read
        for refs in chain((step.refs() for step in self.flow.steps), (self.output_refs,)):
            for ref in refs:
                if ref.path_node is not None:  # (a dict per kind: hashing the kind, an Enum, is slow)
                    by_path = steps if ref.kind is step_kind else inputs
                    same = by_path.get(ref.path)
                    if same is None:
                        by_path[ref.path] = [ref]
                    else:
                        same.append(ref)
        return steps, inputs

    @cached_property
    def step_refs_by_target(self) -> dict[str, list[tuple[Step | None, Ref]]]:
        """The `$step` references by the step they name: (the step holding it, None in the output; the
        reference), in the order of every step's ``Step.refs()``, in step order, then the output's.
        SF401's fix repoints each duplicate's references without walking every step per duplicate."""
        by_target: dict[str, list[tuple[Step | None, Ref]]] = {}
        step_kind = RefKind.STEP  # read once: an Enum member costs a call to read
        for owner, refs in chain(((step, step.refs()) for step in self.flow.steps), ((None, self.output_refs),)):
            for ref in refs:
                if ref.kind is step_kind and ref.target is not None:
                    by_target.setdefault(ref.target, []).append((owner, ref))
        return by_target

    @cached_property
    def whole_copies(self) -> list[tuple[Step, Ref]]:
        """(step, reference) for each `$step` reference in a step's input that takes another
        step's whole output (no `path`), in source order. Inputs only: `skipIf` copies nothing."""
        return self._copies[0]

    @cached_property
    def field_copies(self) -> list[tuple[Step, Ref]]:
        """Like :attr:`whole_copies`, for the references that select a `path` of the output."""
        return self._copies[1]

    @cached_property
    def _copies(self) -> tuple[list[tuple[Step, Ref]], list[tuple[Step, Ref]]]:
        whole: list[tuple[Step, Ref]] = []
        fields: list[tuple[Step, Ref]] = []
        step_kind = RefKind.STEP  # read once: an Enum member costs a call to read
        for step in self.flow.steps:
            own = step.id
            for ref in step.input_refs():
                target = ref.target
                if ref.kind is step_kind and target and target != own:
                    # `ref.whole`, inlined: this runs for nearly every reference of the flow
                    (whole if ref.path in _WHOLE_PATHS else fields).append((step, ref))
        return whole, fields

    @cached_property
    def unusual_refs(self) -> list[Ref]:
        """References not in the plain current form: another form, a problem, `onSkip` or extra keys.

        The output's first, then each step's (``Step.refs()``). SF004 and SF005
        only report references among these; in a flow written in today's
        dialect the list is empty.
        """
        current = RefForm.CURRENT  # read once: an Enum member costs a call to read
        return [ref for ref in chain(self.output_refs, *(step.refs() for step in self.flow.steps))
                if ref.form is not current or ref.problem or ref.on_skip is not None or ref.extra]
