"""A path that means two things (SF119): one field name in a YAML flow, nested fields over REST."""

from __future__ import annotations

from itertools import chain

from ..diagnostics import Applicability, Severity
from ..fix.rewrite import rewrite_scalar_text
from ..model import Ref, RefForm, RefKind
from ..paths import PathError, explicit_path, nested_path, parse_path
from .base import LintContext, Rule, register

# Read once: an Enum member read through its class costs as much as a function call (one per finding here).
_INPUT, _CURRENT = RefKind.INPUT, RefForm.CURRENT


@register
class AmbiguousPath(Rule):
    """
    ## What it does
    Reports a reference path without a leading `$` that contains `.` or `[`
    (`profile.name`, `items[0]`), in a `$step` reference's `path` or an
    `$input`.

    ## Why is this bad?
    The engine's path parser reads a path without `$` as *one field name*:
    in a flow loaded from YAML, `profile.name` is the field named
    "profile.name". A flow stored through the REST API is re-serialised with
    `$.` paths, and there the same text walks into `profile`, then `name`.
    The same file gives different results depending on how it is submitted,
    and one of the two is almost never what was meant.

    ## Example
    ```yaml
    input:
      name: { $input: profile.name }
      first: { $step: load_items, path: "items[0]" }
    ```

    ## Fix
    ```yaml
    input:
      name: { $input: $.profile.name }
      first: { $step: load_items, path: "$.items[0]" }
    ```
    Unsafe fix: it keeps the nested reading (the REST one, and what the
    guide's examples mean); for a flow run from its YAML file that changes
    which field is read. A field whose name really holds a dot can be
    written `$['profile.name']`.
    """

    code = "SF119"
    name = "ambiguous-path"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE

    def check(self, ctx: LintContext):
        text = ctx.source.text
        for flow in ctx.flows:
            index = ctx.index(flow)
            for path, refs in chain(index.step_refs_by_path.items(), index.input_refs_by_path.items()):
                if not path or path[0] == "$" or ("." not in path and "[" not in path):
                    continue  # the usual case: one plain field name, or a `$` path
                try:
                    parse_path(path)
                except PathError:
                    continue  # SF107 reports it
                explicit = nested_path(path)
                try:
                    one = f" or `{explicit_path(path)}` for the one field"
                except PathError:
                    one = ""  # a name holding `]`: no `$` path selects it
                tail = (f"`{path}` is one field named \"{path}\" to the engine reading this YAML, but nested "
                        f"fields over the REST API; write `{explicit}` for the nested fields{one}")
                for ref in refs:
                    what = "`$input` path" if ref.kind is _INPUT else f"`path` of `$step: {ref.target}`"
                    yield self.diagnostic(ref.path_span, f"{what} {tail}", self._fix(text, ref, path, explicit))

    def _fix(self, text: str, ref: Ref, path: str, explicit: str):
        if ref.form is not _CURRENT:
            return None
        edit = rewrite_scalar_text(text, ref.path_node, path, explicit)
        return self.make_fix(f"write `{explicit}`", [edit]) if edit is not None else None
