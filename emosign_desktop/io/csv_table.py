"""Read a CSV file strictly into a header and rows, with errors naming file, row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from emosign_desktop.core.errors import EmoSignError, InputFileError, read_text_file

MAX_FIELD = 1_000_000  # characters in one cell


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


def write_csv(path: str | Path, header: list[str], rows: Iterable[list[str]]) -> None:
    """Write a CSV the way the released EmoSign file is written (minimal quoting, LF), via a
    temporary file renamed into place, so a failed export never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(header)
            writer.writerows(rows)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EmoSignError(f"{path}: cannot write the file ({exc.strerror})") from None
