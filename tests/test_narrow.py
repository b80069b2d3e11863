"""80 columns: tables that cut no number or name, and the demo in an 80x24 pseudo-terminal."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

from rich.console import Console

import deskmix
from deskmix.cli.narrow import NarrowTable
from deskmix.domain.taxonomy import DEFAULT_DOMAINS

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def render(table: NarrowTable, width: int = 80) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(table)
    return console.export_text()


def wide_table() -> NarrowTable:
    table = NarrowTable(title="Plan (mean ± 95% CI)", caption="SLA targets: weekday")
    table.add_column("design", "left", key=True, wrap=True)
    for header in ("people", "cost/week", "P1 resolution", "P2 resolution", "P3 resolution"):
        table.add_column(header)
    table.add_column("notes", "left", wrap=True)
    table.add_row(
        "recommended",
        "9",
        "2,537,901 ± 290",
        "100.0% ± 0.0",
        "96.8% ± 3.1",
        "96.1% ± 2.7",
        "accounts_access+business_apps cross-trained",
    )
    table.add_row(
        "architecture_projects",
        "16",
        "40,195 ± 0",
        "99.0% ± 1.2",
        "98.5% ± 1.2",
        "98.5% ± 2.5",
        "-",
    )
    return table


def test_a_table_too_wide_is_split_with_its_key_column_repeated_and_nothing_cut() -> None:
    text = render(wide_table())
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    for whole in ("2,537,901 ± 290", "architecture_projects", "accounts_access+business_apps"):
        assert whole in text
    parts = text.count("┏")
    assert parts >= 2 and text.count("recommended") == parts  # the key column in every part
    assert "(continued)" in text and "SLA targets: weekday" in text


def test_a_table_that_fits_stays_one_table() -> None:
    text = render(wide_table(), width=200)
    assert "(continued)" not in text and text.count("recommended") == 1


def test_headers_wrap_between_words_and_a_very_narrow_terminal_gets_one_block_per_row() -> None:
    text = render(wide_table(), width=60)
    assert "resolution" in text and "cost/week" in text and "…" not in text
    narrow = render(wide_table(), width=40)
    assert "…" not in narrow
    for whole in ("cost/week: 2,537,901 ± 290", "architecture_projects", "P3 resolution: 96.1%"):
        assert whole in narrow


def run_in_pty(args: list[str], cwd: Path) -> str:
    """The command in an 80x24 pseudo-terminal, as a user at a standard terminal sees it."""
    # the deskmix under test (its source folder first), whatever console script is installed
    source = str(Path(deskmix.__file__).resolve().parents[1])
    path = os.pathsep.join([source, *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {**os.environ, "COLUMNS": "80", "LINES": "24", "TERM": "xterm", "PYTHONPATH": path}
    env.pop("NO_COLOR", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    out = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the terminal closed: the command ended
                    break
                if not data:
                    break
                out += data
            elif process.poll() is not None:
                break
    finally:
        os.close(master)
        process.wait(timeout=300)
    assert process.returncode == 0, out.decode("utf-8", "replace")[-2000:]
    text = ANSI.sub("", out.decode("utf-8", "replace").replace("\r\n", "\n"))
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def test_the_demo_at_80_columns_cuts_no_number_or_name(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from deskmix.cli.app import main; main()"]
    text = run_in_pty([*command, "demo", "--out", str(tmp_path / "demo")], tmp_path)
    assert "Report written to" in text
    assert "…" not in text
    for domain in DEFAULT_DOMAINS:  # every domain of the sample desk whole, in the tables
        assert re.search(rf"^{domain}\s+\d", text, re.MULTILINE), domain
    # money whole: every cost cell a full figure with its interval
    costs = re.findall(r"│\s+([\d,]+ ± [\d,]+) │", text)
    assert costs and all(re.fullmatch(r"\d{1,3}(,\d{3})* ± [\d,]+", c) for c in costs)
    # each table names the SLA targets it judges by
    assert "SLA targets: deskmix's default ITIL-style targets" in text
    assert "SLA targets: the demo's weekday SLA targets" in text
    # a share from a handful of tickets says so instead of printing a wide interval
    assert re.search(
        r"P1: [\d.-]+ tickets a replication \(mean\), interval\s+not\s+meaningful", text
    )
