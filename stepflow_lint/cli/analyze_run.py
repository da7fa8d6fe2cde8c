"""What `stepflow-lint analyze FLOW…` does: analyze each flow and render it as text, JSON, mermaid or dot.

Imported when the command runs (cli/analyze.py declares it): the engine and networkx load here.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from ..analysis import Analysis, AnalysisError, Figures, analyze_bytes
from ..config import Config, ConfigError, find_config, load_config
from ..config_check import checked
from ..lazy import Console, Table, Text  # rich, imported on first use
from .analyze import parse_latency
from .console import rich_output

EXIT_OK, EXIT_ERROR = 0, 2
CRITICAL = "#d62728"


def analyze_flows(flows: tuple[Path, ...], fmt: str, config_path: Path | None, components, latency,
                  no_what_if: bool, after: bool) -> None:
    """Analyze each flow, print it in ``fmt`` and exit 0, or 2 when a flow could not be analyzed."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    failed = False

    def error(message: str) -> None:
        nonlocal failed
        failed = True
        err.print(Text("error", style="bold red"), Text(f": {message}"), sep="")

    try:
        fixed_config = checked(load_config(config_path)) if config_path else None
        hints = parse_latency(latency) if latency else None
    except (ConfigError, click.BadParameter) as exc:
        error(str(exc))
        sys.exit(EXIT_ERROR)
    if config_path and not config_path.exists():
        error(f"config file not found: {config_path}")
        sys.exit(EXIT_ERROR)
    results: list[dict] = []
    for path in flows:
        try:
            config = fixed_config or _nearest_config(path)
            catalog = _catalog(config, components)
            data = path.read_bytes()
            analysis = analyze_bytes(data, str(path), config, what_if=not no_what_if, catalog=catalog,
                                     latency=hints)
        except FileNotFoundError:
            error(f"{path}: no such file or directory")
            results.append({"path": str(path), "error": "no such file or directory"})
            continue
        except (OSError, ConfigError) as exc:
            error(f"{path}: {getattr(exc, 'strerror', None) or exc}")
            results.append({"path": str(path), "error": str(exc)})
            continue
        except AnalysisError as exc:
            error(exc.message)
            results.append({"path": str(path), "error": exc.message, "cycles": exc.cycles})
            if fmt == "text" and exc.cycles:
                _print_cycles(exc.cycles)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others
            error(f"{path}: internal error: {type(exc).__name__}: {exc} (please report this)")
            results.append({"path": str(path), "error": f"internal error: {exc}"})
            continue
        if fmt == "text" and len(results) > 0:
            click.echo()
        results.append(analysis.to_dict())
        _emit(fmt, analysis, after)
    if fmt == "json":
        click.echo(json.dumps(results[0] if len(results) == 1 else results, indent=2, ensure_ascii=False))
    sys.exit(EXIT_ERROR if failed else EXIT_OK)


def _nearest_config(path: Path) -> Config:
    found = find_config(path) if path.exists() else None
    return checked(load_config(found)) if found else Config()


def _catalog(config: Config, components: tuple[Path, ...]):
    paths = [str(p) for p in components] + list(config.components)
    if not paths:
        return None
    try:
        from ..catalog import CatalogError, load_catalog
    except ImportError:  # pragma: no cover - the catalog lands separately
        raise ConfigError("component catalogs (--components) are not available in this build") from None
    try:
        return load_catalog(paths)
    except CatalogError as exc:
        raise ConfigError(str(exc)) from None


def _emit(fmt: str, analysis: Analysis, after: bool) -> None:
    figures = analysis.what_if.figures if after and analysis.what_if is not None else analysis.figures
    if fmt == "text":
        with rich_output() as console:
            render_text(analysis, console)
    elif fmt == "mermaid":
        click.echo(render_mermaid(figures))
    elif fmt == "dot":
        click.echo(render_dot(figures, analysis.name or Path(analysis.path).stem))


def _print_cycles(cycles: list[list[str]]) -> None:
    console = Console(highlight=False)
    for cycle in cycles:
        console.print(Text("cycle: ", style="bold red") + Text(" → ".join(cycle + [cycle[0]])))


# -- text ----------------------------------------------------------------------------------------

def _length(figures: Figures, value=None) -> str:
    value = figures.to_dict()["critical_path_length"] if value is None else value
    return f"{value} ms" if figures.unit == "ms" else f"{value} step{'' if value == 1 else 's'}"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_text(analysis: Analysis, console: Console) -> None:
    title = analysis.path + (f" ({analysis.name})" if analysis.name else "")
    console.print(Text(title, style="bold"))
    _figures_text(analysis.figures, console, indent="")
    what_if = analysis.what_if
    if what_if is None:
        return
    console.print()
    if not what_if.fixes:
        console.print(Text("what if: no SF201/SF303 fix applies; the figures stay as they are", style="dim"))
    else:
        count = len(what_if.fixes)
        console.print(Text(f"what if every SF201/SF303 fix were applied ({count} fix{'es' if count > 1 else ''}):",
                           style="bold"))
        console.print(Text("  " + delta(analysis.figures, what_if.figures), style="bold green"))
        for fix in what_if.fixes:
            console.print(Text(f"  {fix.code} line {fix.line}: {fix.fix}", style="cyan"))
        _figures_text(what_if.figures, console, indent="  ", subflows=False)
    for note in what_if.notes:
        console.print(Text(f"  note: {note}", style="yellow"))


def delta(before: Figures, after: Figures) -> str:
    """`critical path 4 → 2 steps, max width 1 → 3, …` (before → after)."""
    b, a = before.to_dict(), after.to_dict()
    return (f"critical path {b['critical_path_length']} → {_length(after)}, "
            f"max width {b['max_width']} → {a['max_width']}, "
            f"steps {len(before.executed)} → {len(after.executed)}, "
            f"parallelism {_fmt(before.parallelism)} → {_fmt(after.parallelism)}, "
            f"efficiency {_fmt(before.parallel_efficiency)} → {_fmt(after.parallel_efficiency)}")


def _waves_table(figures: Figures, console: Console, indent: str = "") -> None:
    if not figures.waves:
        return
    critical = set(figures.critical_path)
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    table.add_column(f"{indent}wave", justify="right")
    table.add_column("width", justify="right")
    table.add_column("steps (* on the critical path)", overflow="fold")
    for number, wave in enumerate(figures.waves, 1):
        cells = Text()
        for i, sid in enumerate(wave):
            if i:
                cells.append(", ")
            cost = f" ({figures.cost[sid]:g} ms)" if figures.unit == "ms" else ""
            if sid in critical:
                cells.append(f"{sid}*{cost}", style="bold red")
            else:
                cells.append(sid + cost)
        table.add_row(f"{indent}{number}", str(len(wave)), cells)
    console.print(table)


def _figures_text(figures: Figures, console: Console, indent: str, subflows: bool = True) -> None:
    for note in figures.notes:
        console.print(Text(f"{indent}note: {note}", style="yellow"))
    _waves_table(figures, console, indent)
    if figures.critical_path:
        line = Text(f"{indent}critical path: ", style="bold")
        line.append(" → ".join(figures.critical_path), style="bold red")
        line.append(f" ({_length(figures)})")
        console.print(line)
    console.print(Text(
        f"{indent}steps {figures.step_count} ({len(figures.executed)} executed), "
        f"max width {figures.max_width}, peak concurrency {figures.peak_concurrency}, "
        f"parallelism {_fmt(figures.parallelism)}, efficiency {_fmt(figures.parallel_efficiency)}"))
    if figures.not_executed:
        console.print(Text(f"{indent}never executed (lazy engine): {', '.join(figures.not_executed)}",
                           style="yellow"))
    for key, sub in figures.subflows.items() if subflows else ():
        console.print(Text(f"{indent}subflow of step `{key}`:", style="bold"))
        _figures_text(sub, console, indent + "  ")


# -- diagrams ------------------------------------------------------------------------------------

_MERMAID_RESERVED = {"end", "graph", "flowchart", "subgraph", "style", "class", "classdef", "click",
                     "linkstyle", "direction", "default", "o", "x"}


def _mermaid_ids(figures: Figures) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = {"flow_output"}
    for number, sid in enumerate(figures.components):
        name = sid if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", sid) and sid.lower() not in _MERMAID_RESERVED \
            else f"step_{number + 1}"
        while name in used:
            name += "_"
        used.add(name)
        ids[sid] = name
    return ids


def _label(figures: Figures, sid: str) -> list[str]:
    parts = [sid, figures.components.get(sid) or ""]
    if figures.unit == "ms" and sid in figures.cost:
        parts.append(f"{figures.cost[sid]:g} ms")
    return [p for p in parts if p]


def render_mermaid(figures: Figures) -> str:
    """`flowchart TD`; critical-path nodes in class `critical`, its edges styled by `linkStyle`."""
    ids = _mermaid_ids(figures)
    skipped = set(figures.not_executed)
    lines = ["flowchart TD"]
    for sid, node in ids.items():
        label = "<br/>".join(_label(figures, sid)).replace('"', "#quot;")
        lines.append(f'    {node}["{label}"]')
    critical_edges = figures.critical_edges
    links: list[int] = []
    edges = figures.edges + [(sid, None) for sid in figures.output_targets]
    if figures.output_targets:
        lines.append('    flow_output(["output"])')
    for number, (u, v) in enumerate(edges):
        arrow = "-.->" if u in skipped or v in skipped else "-->"
        lines.append(f"    {ids[u]} {arrow} {ids[v] if v else 'flow_output'}")
        if (u, v) in critical_edges or (v is None and figures.critical_path and u == figures.critical_path[-1]):
            links.append(number)
    lines.append(f"    classDef critical fill:#fde0dd,stroke:{CRITICAL},stroke-width:3px")
    lines.append("    classDef skipped fill:#f5f5f5,stroke:#999,stroke-dasharray:5 5,color:#777")
    if figures.critical_path:
        lines.append("    class " + ",".join(ids[s] for s in figures.critical_path) + " critical")
    if skipped:
        lines.append("    class " + ",".join(ids[s] for s in figures.not_executed) + " skipped")
    if links:
        lines.append(f"    linkStyle {','.join(map(str, links))} stroke:{CRITICAL},stroke-width:3px")
    return "\n".join(lines)


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _dot_id(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def _unused_id(wanted: str, taken) -> str:
    """A node id no step has (a step may well be called `__output__`)."""
    while wanted in taken:
        wanted = f"_{wanted}_"
    return wanted


def render_dot(figures: Figures, name: str) -> str:
    """A digraph, one rank per wave; the critical path's nodes and edges bold red."""
    critical, critical_edges = set(figures.critical_path), figures.critical_edges
    skipped = set(figures.not_executed)
    lines = [f"digraph {_dot_id(name)} {{", "    rankdir=TB;",
             '    node [shape=box, style=rounded, fontname="Helvetica"];',
             '    edge [fontname="Helvetica"];']
    for sid in figures.components:
        attrs = ['label="' + "\\n".join(_dot_escape(p) for p in _label(figures, sid)) + '"']
        if sid in critical:
            attrs += [f'color="{CRITICAL}"', "penwidth=2.5", 'fontcolor="#d62728"']
        elif sid in skipped:
            attrs += ['style="rounded,dashed"', "color=gray", "fontcolor=gray"]
        lines.append(f"    {_dot_id(sid)} [{', '.join(attrs)}];")
    for wave in figures.waves:
        lines.append("    { rank=same; " + " ".join(_dot_id(s) + ";" for s in wave) + " }")
    for u, v in figures.edges:
        if (u, v) in critical_edges:
            attrs = f' [color="{CRITICAL}", penwidth=2.5, style=bold]'
        elif u in skipped or v in skipped:
            attrs = " [style=dashed, color=gray]"
        else:
            attrs = ""
        lines.append(f"    {_dot_id(u)} -> {_dot_id(v)}{attrs};")
    if figures.output_targets:
        output = _unused_id("__output__", figures.components)
        lines.append(f'    {_dot_id(output)} [shape=oval, label="output"];')
        end = figures.critical_path[-1] if figures.critical_path else None
        for sid in figures.output_targets:
            attrs = f' [color="{CRITICAL}", penwidth=2.5, style=bold]' if sid == end else ""
            lines.append(f'    {_dot_id(sid)} -> {_dot_id(output)}{attrs};')
    lines.append("}")
    return "\n".join(lines)
