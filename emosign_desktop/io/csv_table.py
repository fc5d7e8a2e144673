"""Read a CSV file strictly into a header and rows, with errors naming file, row and column;
write one that a spreadsheet opens without running anything in it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from emosign_desktop.core.errors import EmoSignError, InputFileError, read_text_file

MAX_FIELD = 1_000_000  # characters in one cell

#: First characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection
#: rule: equals, plus, minus, at, tab, carriage return).
FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class CsvTable:
    """A parsed CSV file: its header and its data rows with their row numbers (header = 1)."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]

    def column(self, name: str) -> int:
        """Index of a column in the header."""
        return self.header.index(name)


def read_csv_table(path: str | Path, required: Iterable[str]) -> CsvTable:
    """Parse ``path`` as UTF-8 CSV; every row must have as many cells as the header.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    path = Path(path)
    text = read_text_file(path)
    old_limit = csv.field_size_limit(MAX_FIELD)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        records: list[tuple[int, list[str]]] = []
        number = 0
        try:
            for record in reader:
                number += 1
                if not record:  # a blank line is not a row
                    continue
                for i, cell in enumerate(record):
                    if "\x00" in cell:
                        column = records[0][1][i] if records and i < len(records[0][1]) else None
                        raise InputFileError(path, "contains a NUL character (binary data?)",
                                             row=number, column=column)
                records.append((number, record))
        except csv.Error as exc:
            raise InputFileError(path, f"malformed CSV ({exc})", row=number + 1) from None
    finally:
        csv.field_size_limit(old_limit)
    if not records:
        raise InputFileError(path, "the file is empty (no header row)")
    header_row, header = records[0]
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputFileError(path, f"the header names column '{name}' twice", row=header_row)
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputFileError(
            path,
            f"the header lacks column(s) {', '.join(repr(m) for m in missing)}",
            row=header_row,
        )
    rows = []
    for number, record in records[1:]:
        if len(record) != len(header):
            raise InputFileError(
                path,
                f"has {len(record)} cells where the header has {len(header)}",
                row=number,
            )
        rows.append((number, tuple(record)))
    return CsvTable(path, tuple(header), tuple(rows))


def parse_int(
    table: CsvTable, row: int, column: str, text: str, lo: int, hi: int, *, offset: int = 0
) -> int | None:
    """An integer cell within ``lo..hi`` (as written in the file), minus ``offset``.

    An empty cell is None (not rated).
    """
    s = text.strip()
    if s == "":
        return None
    try:
        if not s.lstrip("+-").isdigit() or not s.isascii():
            raise ValueError
        value = int(s)
    except ValueError:
        raise InputFileError(
            table.path, f"'{text}' is not a whole number", row=row, column=column
        ) from None
    if not lo <= value <= hi:
        raise InputFileError(
            table.path, f"{value} is outside {lo}..{hi}", row=row, column=column
        )
    return value - offset


def neutralise_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: a cell starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front (OWASP's
    rule), unless it is a plain number ("-3", "+1", "-0.5", "1e-3" stay as they are)."""
    if text[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _neutralised(cells: list[str]) -> list[str]:
    """``cells`` through :func:`neutralise_cell` (only those whose first character asks)."""
    return [neutralise_cell(c) if c[:1] in FORMULA_STARTS else c for c in cells]


class _LineFeedRows:
    """Where a ``csv.writer`` ending rows in CR LF writes (so that it quotes a cell holding a
    carriage return, which it leaves bare when rows end in LF alone): each row, written in
    one call, is passed on ending in LF."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, row: str) -> int:
        return self.out.write(row.removesuffix("\r\n") + "\n")


def write_csv(path: str | Path, header: list[str], rows: Iterable[list[str]], *,
              raw: bool = False) -> None:
    """Write a CSV the way the released EmoSign file is written (minimal quoting, LF), via a
    temporary file renamed into place, so a failed export never leaves half a file.

    Every cell (the header's too) goes through :func:`neutralise_cell` unless ``raw``.  A
    cell holding a line break or a carriage return is quoted.
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(_LineFeedRows(fh), lineterminator="\r\n",
                                quoting=csv.QUOTE_MINIMAL)
            writer.writerow(header if raw else _neutralised(header))
            writer.writerows(row if raw else _neutralised(row) for row in rows)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EmoSignError(f"{path}: cannot write the file ({exc.strerror})") from None
