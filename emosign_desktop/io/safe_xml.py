"""XML from other tools, read safely: a size limit, no document type declaration (DTD,
internal or external) and so no entities (they can expand without bound or read other
files), nothing fetched; every refusal is one line naming the file."""

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
    from defusedxml import (
        DefusedXmlException,
        DTDForbidden,
        EntitiesForbidden,
        ExternalReferenceForbidden,
    )
    from defusedxml.ElementTree import DefusedXMLParser

    if len(data) > max_bytes:
        raise InputFileError(path, too_large(kind, len(data), max_bytes))
    parser = DefusedXMLParser(target=ElementTree.TreeBuilder(), forbid_dtd=False,
                              forbid_entities=True, forbid_external=True)
    # A DTD is refused where it ends, so an entity declared in it is named as such first.
    doctype: list[tuple[str, str | None, str | None, bool]] = []
    expat = parser.parser
    expat.StartDoctypeDeclHandler = lambda name, sysid, pubid, inside: doctype.append(
        (name, sysid, pubid, bool(inside)))

    def refuse_dtd() -> None:
        name, sysid, pubid, _ = doctype[-1]
        raise DTDForbidden(name, sysid, pubid)

    expat.EndDoctypeDeclHandler = refuse_dtd
    try:
        parser.feed(data)
        root: ElementTree.Element = parser.close()
    except DTDForbidden:
        raise InputFileError(path, _dtd_refusal(kind, *doctype[-1])) from None
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


def _dtd_refusal(kind: str, name: str, sysid: str | None, pubid: str | None,
                 inside: bool) -> str:
    """Why a document type declaration is refused, naming where its declarations are."""
    where = []
    if inside:
        where.append("with declarations inside the file")
    if sysid or pubid:
        where.append(f"external: {sysid or pubid}, not fetched")
    detail = f" ({' and '.join(where)})" if where else ""
    return (f"the XML declares a document type (DTD) '{name}'{detail}; {kind} files declare "
            "none, and a DTD can declare entities or make a reader fetch other files: refused")
