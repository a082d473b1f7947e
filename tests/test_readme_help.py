"""The README cannot drift from the command line: every command and every long option is documented,
and every `--help` output the README shows is what the command prints today.

When a help text changes, paste the new output (`archiver NAME --help` on an 80-column terminal, which
click wraps at 78) over the README's block; the failure shows the difference.
"""
from __future__ import annotations

import difflib
import re

import click
import pytest
from click.testing import CliRunner

from archiver.cli import main
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
# click wraps help at min(terminal, 80) - 2 columns; the README's blocks are as on an 80-column terminal.
WIDTH = 78
COMMANDS = sorted(main.commands)


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="archiver", terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return result.output


def _help_blocks() -> list[tuple[list[str], str]]:
    """Each fenced block of the README that is a help output: (the command's words, the block's text)."""
    out = []
    for block in re.findall(r"^```[^\n]*\n(Usage: archiver .*?)^```", README, re.S | re.M):
        words = block.split("\n", 1)[0].split()[2:]
        out.append(([words[0]] if words and words[0] in main.commands else [], block))
    return out


def _long_options(command: click.Command) -> list[str]:
    return sorted({opt for p in command.params if isinstance(p, click.Option)
                   for opt in (*p.opts, *p.secondary_opts) if opt.startswith("--")} - {"--help"})


def _in_readme(text: str) -> bool:
    return re.search(re.escape(text) + r"(?![\w-])", README) is not None


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_in_the_readme(name):
    assert _in_readme(f"archiver {name}"), f"the README never shows `archiver {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_long_option_is_in_the_readme(name):
    shown = any(words == [name] for words, _ in _help_blocks())
    missing = [opt for opt in _long_options(main.commands[name]) if not _in_readme(opt)]
    assert shown or not missing, f"`archiver {name}` options not in the README: {', '.join(missing)}"


@pytest.mark.parametrize("words,block", _help_blocks(), ids=[" ".join(["archiver", *w]) for w, _ in _help_blocks()])
def test_the_readmes_help_blocks_are_the_commands_help_today(words, block):
    actual = _help(words)
    diff = "".join(difflib.unified_diff(block.splitlines(True), actual.splitlines(True),
                                        "README.md", " ".join(["archiver", *words, "--help"])))
    assert block == actual, "the README's help block is out of date:\n" + diff


def test_the_readme_shows_help_blocks_at_all():
    """A guard on the pattern above: the README's `bag` and `fixity` help blocks are found."""
    found = {tuple(words) for words, _ in _help_blocks()}
    assert {("bag",), ("fixity",)} <= found
