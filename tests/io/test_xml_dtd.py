"""ELAN and SignStream files with a document type declaration (DTD), internal or external,
are refused like entities, naming the file and the DTD; nothing is fetched."""

from __future__ import annotations

import socket

import pytest

from emosign_desktop.core.errors import InputFileError
from emosign_desktop.io.eaf import read_eaf
from emosign_desktop.io.signstream import read_signstream
from tests.io.test_eaf import field_eaf
from tests.io.test_signstream import signstream_xml


@pytest.fixture
def listener():
    """A TCP port on loopback that records whether anything connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def nobody_connected(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def with_doctype(text: str, root: str, doctype: str) -> str:
    """``text`` with ``doctype`` placed before its root element."""
    at = text.index(f"<{root}")
    return text[:at] + doctype + "\n" + text[at:]


READERS = {
    "ELAN": (read_eaf, lambda: field_eaf(), "ANNOTATION_DOCUMENT", "clip.eaf"),
    "SignStream": (read_signstream, lambda: signstream_xml(), "SIGNSTREAM-DATABASE",
                   "clip.xml"),
}


@pytest.mark.parametrize("kind", list(READERS))
def test_the_files_without_a_dtd_are_read(tmp_path, kind):
    read, make, _, name = READERS[kind]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    assert read(path) is not None


@pytest.mark.parametrize("kind", list(READERS))
def test_an_external_dtd_is_refused_and_not_fetched(tmp_path, listener, kind):
    read, make, root, name = READERS[kind]
    port = listener.getsockname()[1]
    url = f"http://127.0.0.1:{port}/schema.dtd"
    path = tmp_path / name
    path.write_text(with_doctype(make(), root, f'<!DOCTYPE {root} SYSTEM "{url}">'),
                    encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert f"declares a document type (DTD) '{root}' (external: {url}, not fetched)" in message
    assert f"{kind} files declare none" in message and message.endswith("refused")
    assert nobody_connected(listener)


@pytest.mark.parametrize("kind", list(READERS))
def test_a_public_external_dtd_is_refused(tmp_path, listener, kind):
    read, make, root, name = READERS[kind]
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/x.dtd"
    path = tmp_path / name
    path.write_text(with_doctype(make(), root, f'<!DOCTYPE {root} PUBLIC "-//X//DTD" "{url}">'),
                    encoding="utf-8")
    with pytest.raises(InputFileError, match=r"document type \(DTD\)"):
        read(path)
    assert nobody_connected(listener)


@pytest.mark.parametrize("kind", list(READERS))
def test_an_internal_dtd_without_entities_is_refused(tmp_path, kind):
    read, make, root, name = READERS[kind]
    path = tmp_path / name
    path.write_text(with_doctype(make(), root, f"<!DOCTYPE {root} [<!ELEMENT {root} ANY>]>"),
                    encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read(path)
    assert (f"declares a document type (DTD) '{root}' (with declarations inside the file)"
            in str(err.value))


@pytest.mark.parametrize("kind", list(READERS))
def test_an_empty_doctype_is_refused(tmp_path, kind):
    read, make, root, name = READERS[kind]
    path = tmp_path / name
    path.write_text(with_doctype(make(), root, f"<!DOCTYPE {root}>"), encoding="utf-8")
    with pytest.raises(InputFileError, match=rf"document type \(DTD\) '{root}'; "):
        read(path)


def test_an_entity_in_a_dtd_is_still_named_as_an_entity(tmp_path):
    path = tmp_path / "e.eaf"
    path.write_text(with_doctype(field_eaf(), "ANNOTATION_DOCUMENT",
                                 '<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY who "kim">]>'),
                    encoding="utf-8")
    with pytest.raises(InputFileError, match="the XML declares an entity 'who'"):
        read_eaf(path)
