"""The console of plain (uncoloured) lint output writes exactly what rich's Console would."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from stepflow_lint.cli.console import PlainConsole, make_console
from stepflow_lint.report.styled import StyledText, cell_len

AWKWARD = ["plain", "", "  padded  ", "漢字 wide", "e\u0301 combining", "bell\x07 bs\x08 vt\x0b ff\x0c cr\r!",
           "tab\there", "[bold]not markup[/bold]", "a\\[b]", "x.yaml:100:7: :fire:", "line\nbreak\n", "\u200b zw",
           "trailing backslash \\", "[/]", "esc \x1b[31m red"]


def rich_plain(*objects, **options) -> str:
    out = io.StringIO()
    Console(file=out, force_terminal=False, color_system=None, highlight=False, soft_wrap=True,
            emoji=False).print(*objects, **options)
    return out.getvalue()


def plain(*objects, **options) -> str:
    out = io.StringIO()
    PlainConsole(file=out).print(*objects, **options)
    return out.getvalue()


def outcome(print_with, *objects, **options) -> str:
    try:
        return print_with(*objects, **options)
    except Exception as exc:  # noqa: BLE001 - bad markup must fail the same way
        return type(exc).__name__


@pytest.mark.parametrize("text", AWKWARD)
def test_strings_print_as_rich_prints_them(text):
    assert plain(text, markup=False) == rich_plain(text, markup=False)
    assert outcome(plain, text) == outcome(rich_plain, text)
    assert outcome(plain, text, "and", text, sep="|", end="$") == \
        outcome(rich_plain, text, "and", text, sep="|", end="$")


@pytest.mark.parametrize("text", AWKWARD)
def test_styled_text_prints_as_rich_text(text):
    ours = StyledText(text, style="bold").append(text, "dim").append("end")
    theirs = Text(text, style="bold").append(text, "dim").append("end")
    assert ours.plain == theirs.plain
    assert plain(ours) == rich_plain(theirs)
    assert rich_plain(ours) == rich_plain(theirs)


def test_blank_line_and_tables_go_through_rich():
    assert plain() == rich_plain() == "\n"
    from rich.table import Table
    table = Table("a", "b")
    table.add_row("1", "2")
    assert plain(table) == rich_plain(table)


def test_colour_matches_the_markup_it_replaces():
    def coloured(item) -> str:
        out = io.StringIO()
        make_console("always", file=out).print(item)
        return out.getvalue()

    message = "a.yaml: [red] :fire: \\ x"
    assert coloured(StyledText().append("error", "bold red").append(f": {message}")) == \
        coloured(f"[bold red]error[/bold red]: {escape(message)}")
    assert coloured(StyledText().append(message, "dim")) == coloured(f"[dim]{escape(message)}[/dim]")
    assert coloured(StyledText("Found 1 issue.", style="bold").append(" Fixed 1.")) == \
        coloured(Text("Found 1 issue.", style="bold").append(" Fixed 1."))


def test_messages_are_printed_as_they_are():
    # rich's escape() then markup doubled a trailing backslash; the message is now printed literally
    out = io.StringIO()
    make_console("always", file=out).print(StyledText().append("error", "bold red").append(": C:\\dir\\"))
    assert out.getvalue().endswith(": C:\\dir\\\n")


def test_plain_console_without_colour_only():
    assert isinstance(make_console("never"), PlainConsole)
    assert not isinstance(make_console("always"), PlainConsole)


@pytest.mark.parametrize("text", ["abc", "", "漢字", "e\u0301", "a\x07b", "\u200b"])
def test_cell_len_is_rich_s(text):
    from rich.cells import cell_len as rich_cell_len
    assert cell_len(text) == rich_cell_len(text)
