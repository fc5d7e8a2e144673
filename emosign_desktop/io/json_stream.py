"""One large JSON document read a piece at a time, with the standard library's parser.

:class:`JsonStream` reads a binary file in chunks (hashing the bytes as they pass), keeps
only a window of the decoded text, and hands out the members of the top-level object one at
a time and the elements of a list one at a time, each parsed by :mod:`json`.  A list of a
million objects is never held as text, nor as one list of dicts: the caller turns each
element into what it needs and drops it.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

#: Largest single value (one list element, or a top-level value that is not a list).
MAX_ITEM_CHARS = 16 * 1024 * 1024
_CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = re.compile(r"[0-9eE.+-]*")


class JsonStreamError(ValueError):
    """The file is not JSON (or not UTF-8); the message says where."""


class JsonTooLargeError(JsonStreamError):
    """The file holds more bytes than the reader was allowed to read."""


class JsonStream:
    """Reads one JSON document from ``file`` piece by piece; see the module docstring.

    ``max_bytes`` caps what is read: past it :class:`JsonTooLargeError` is raised (a file
    that grows, or a device that never ends, cannot make the reader hold more).
    """

    def __init__(self, file: BinaryIO, max_bytes: int, chunk: int | None = None) -> None:
        self._file, self._max, self._chunk = file, max_bytes, chunk or _CHUNK
        self._decode = codecs.getincrementaldecoder("utf-8")("strict")
        self._json = json.JSONDecoder()
        self._hash = hashlib.sha256()
        self._buf, self._pos, self._base, self._read, self._eof = "", 0, 0, 0, False
        self._first = True

    @property
    def sha256(self) -> str:
        """SHA-256 of the bytes read so far (of the whole file after :meth:`finish`)."""
        return self._hash.hexdigest()

    def _more(self, at_least: int = 0) -> bool:
        """Read another chunk into the window; False at the end of the file."""
        if self._eof:
            return False
        raw = self._file.read(max(self._chunk, at_least))
        self._read += len(raw)
        if self._read > self._max:
            raise JsonTooLargeError(f"larger than {self._max >> 20} MB")
        self._hash.update(raw)
        try:
            text = self._decode.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            at = self._read - len(raw) + exc.start
            raise JsonStreamError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                                  f"{at})") from None
        if self._first and text.startswith("\ufeff"):
            text = text[1:]  # a byte order mark, as some editors write
        self._first = self._first and not text
        self._base += self._pos
        self._buf, self._pos = self._buf[self._pos:] + text, 0
        self._eof = not raw
        return True

    def _error(self, problem: str, pos: int | None = None) -> JsonStreamError:
        at = self._base + (self._pos if pos is None else pos)
        return JsonStreamError(f"not valid JSON: {problem} at character {at}")

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf) or not self._more():
                return self._buf[self._pos:self._pos + 1]

    def _expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self._error(f"expecting {what}")
        self._pos += 1

    def value(self) -> Any:
        """The next value, whole (a list element, an object member's value)."""
        while True:
            if not self.peek():
                raise self._error("expecting a value")
            try:
                found, end = self._json.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos > MAX_ITEM_CHARS:
                    raise self._error(f"{exc.msg} (or a value longer than "
                                      f"{MAX_ITEM_CHARS >> 20} M characters)", exc.pos) from None
                if self._more(len(self._buf) - self._pos):  # cut by the window's end
                    continue
                raise self._error(exc.msg, exc.pos) from None
            if (type(found) is int or type(found) is float) and _NUMBER_TAIL.match(
                    self._buf, end).end() == len(self._buf) and self._more():  # type: ignore[union-attr]
                continue  # the window ends inside the number ("1e" of "1e-7"): it may go on
            self._pos = end
            return found

    def elements(self) -> Iterator[Any]:
        """The elements of the list that comes next, one at a time."""
        self._expect("[", "'['")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self._pos += 1
            if char == "]":
                return
            if char != ",":
                self._pos -= 1
                raise self._error("expecting ',' or ']'")

    def members(self) -> Iterator[str]:
        """The keys of the object that comes next, one at a time; after each, the caller
        reads its value (:meth:`value`, :meth:`elements` or :meth:`skip`)."""
        self._expect("{", "an object")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self._error("expecting a property name in double quotes")
            key = self.value()
            self._expect(":", "':'")
            yield key
            char = self.peek()
            self._pos += 1
            if char == "}":
                return
            if char != ",":
                self._pos -= 1
                raise self._error("expecting ',' or '}'")

    def skip(self) -> None:
        """Read past the next value (a list element by element)."""
        if self.peek() == "[":
            for _ in self.elements():
                pass
        else:
            self.value()

    def finish(self) -> None:
        """Check that nothing but white space follows the document (reading to the end)."""
        if self.peek():
            raise self._error("extra data after the document")
