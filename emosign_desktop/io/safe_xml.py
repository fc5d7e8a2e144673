"""XML from other tools, read safely: a size limit, no entities (they can expand without
bound or read other files) and nothing fetched; every refusal is one line naming the file."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from emosign_desktop.core.errors import InputFileError


def read_xml_file(path: Path, *, kind: str, max_bytes: int) -> ElementTree.Element:
    """The root element of the XML file ``path`` (a ``kind`` file, e.g. "ELAN")."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputFileError(path, too_large(kind, size, max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    return parse_xml(data, path, kind=kind, max_bytes=max_bytes)


def too_large(kind: str, size: int, max_bytes: int) -> str:
    article = "an" if kind[:1].upper() in "AEIOU" else "a"
    return (f"the file is {size:,} bytes, more than the {max_bytes:,} bytes {article} {kind} "
            "file may have here")


def parse_xml(data: bytes, path: Path, *, kind: str, max_bytes: int) -> ElementTree.Element:
    """The root element of ``data`` (``path`` names it in errors)."""
    import defusedxml.ElementTree as SafeTree
    from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

    if len(data) > max_bytes:
        raise InputFileError(path, too_large(kind, len(data), max_bytes))
    try:
        root: ElementTree.Element = SafeTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        where = f" ({exc.sysid})" if exc.sysid else ""
        what = "an external entity" if exc.sysid or exc.pubid else "an entity"
        raise InputFileError(path, f"the XML declares {what} '{exc.name}'{where}; {kind} "
                             "files declare none, and entities can expand without bound or "
                             "read other files: refused") from None
    except ExternalReferenceForbidden as exc:
        raise InputFileError(path, f"the XML refers to an external resource ({exc.sysid}): "
                             "refused") from None
    except DefusedXmlException as exc:
        raise InputFileError(path, f"refused: {exc}") from None
    except ElementTree.ParseError as exc:
        line, column = getattr(exc, "position", (1, 0))
        reason = re.sub(r":\s*line \d+, column \d+$", "", str(exc)) or "cannot be parsed"
        raise InputFileError(path, f"not well-formed XML (line {line}, column {column + 1}: "
                             f"{reason})") from None
    return root
