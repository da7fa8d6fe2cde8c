"""Rich renderings of runs: a per-step timeline and the makespan line."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

BAR_WIDTH = 20


def render_timeline(console: Console, report, title: str | None = None) -> None:
    """One row per step: when it started, how long it ran, a bar on the run's time axis."""
    if report is None or not report.steps:
        return
    span = max(report.makespan_ms, max(r.end_ms for r in report.steps), 1e-9)
    table = Table(title=escape(title) if title else None, box=None, pad_edge=False, header_style="bold")
    for column, justify in (("step", "left"), ("component", "left"), ("start ms", "right"), ("ms", "right"),
                            ("status", "left")):
        table.add_column(column, justify=justify, no_wrap=True, overflow="ellipsis",
                         max_width=28 if column in ("step", "component") else None)
    table.add_column("timeline", no_wrap=True, min_width=BAR_WIDTH)
    for record in sorted(report.steps, key=lambda r: (r.start_ms, r.id)):
        start = min(int(record.start_ms / span * BAR_WIDTH), BAR_WIDTH - 1)
        width = min(max(1, round(record.duration_ms / span * BAR_WIDTH)), BAR_WIDTH - start)
        color = "green" if record.status == "success" else "red"
        bar = " " * start + f"[{color}]" + "█" * width + f"[/{color}]"
        status = record.status if record.attempts <= 1 else f"{record.status} ({record.attempts} attempts)"
        table.add_row(escape(record.id), escape(record.component), f"{record.start_ms:.1f}",
                      f"{record.duration_ms:.1f}", f"[{color}]{status}[/{color}]", bar)
    console.print(table)
    console.print(f"makespan {report.makespan_ms:.1f} ms", highlight=False)
