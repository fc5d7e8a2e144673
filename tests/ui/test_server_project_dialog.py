"""File ▸ New Project on a Server: the dialog makes (or joins) a project whose database is on
a PostgreSQL server (a throwaway cluster here), keeps a typed password in the keyring and
never in the folder, and says which server and what went wrong when it cannot, leaving
nothing made.  Every field is labelled and reached by the keyboard."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit

from emosign_desktop.storage.engine import KEYRING_SERVICE
from emosign_desktop.ui import server_project
from emosign_desktop.ui.appearance import apply_appearance
from emosign_desktop.ui.server_project import ServerProjectDialog
from tests.storage.pg_server import PASSWORD


@pytest.fixture
def window(make_window):
    return make_window()  # kim's, no project yet


@pytest.fixture
def dialog(qtbot, window):
    d = ServerProjectDialog(window.workspace, window)
    qtbot.addWidget(d)
    return d


def fresh_db(server, name: str) -> str:
    server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return server.url(name)


def fill(d: ServerProjectDialog, folder, url: str, password: str = "") -> None:
    d.folder.setText(str(folder))
    d.address.setText(url)
    d.password.setText(password)


class MemoryKeyring:
    """A keyring in memory (the real ones need a desktop session)."""

    def __init__(self, monkeypatch) -> None:
        import keyring

        self.items: dict[tuple[str, str], str] = {}
        monkeypatch.setattr(keyring, "get_password", lambda s, u: self.items.get((s, u)))
        monkeypatch.setattr(keyring, "set_password",
                            lambda s, u, p: self.items.__setitem__((s, u), p))
        monkeypatch.setattr(keyring, "delete_password", lambda s, u: self.items.pop((s, u)))


@pytest.fixture
def no_password(monkeypatch, tmp_path):
    """Neither PGPASSWORD nor ~/.pgpass give a password: only what is typed (or kept)."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGPASSFILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


# -- the form ------------------------------------------------------------------------------------
def test_every_field_is_labelled_and_reached_by_tab(dialog, qtbot):
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for edit in dialog.findChildren(QLineEdit):
        assert edit.accessibleName()
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    assert {dialog.folder, dialog.address, dialog.password} <= buddies
    assert "&" in dialog.create_button.text() and "&" in dialog.browse_button.text()
    dialog.folder.setFocus()
    qtbot.waitUntil(dialog.folder.hasFocus)
    order = [dialog.folder]
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [dialog.folder, dialog.browse_button, dialog.address, dialog.password,
                     dialog.create_button]
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.address.placeholderText() == "postgresql://HOST[:PORT]/DATABASE"


def test_the_file_menu_and_the_welcome_screen_offer_it(window, monkeypatch):
    opened: list[ServerProjectDialog] = []

    def fake_exec(self) -> int:
        opened.append(self)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ServerProjectDialog, "exec", fake_exec)
    file_menu = window.menuBar().actions()[0].menu()
    (action,) = [a for a in file_menu.actions() if "Server" in a.text()]
    assert action.isEnabled() and "&P" in action.text()  # Alt+F, P
    action.trigger()
    window.welcome.server_button.click()
    assert len(opened) == 2 and not window.workspace.has_project


def test_an_address_that_is_no_server_address_is_refused_in_the_dialog(dialog, tmp_path):
    fill(dialog, tmp_path / "lab", "mysql://db/emo")
    assert not dialog.make_project()
    assert "not a PostgreSQL address" in dialog.problem.text()
    assert dialog.address.hasFocus() or not dialog.isVisible()
    fill(dialog, "", "postgresql://db/emo")
    assert not dialog.make_project()
    assert "Choose the project folder" in dialog.problem.text()
    assert not (tmp_path / "lab").exists()


# -- against a server ------------------------------------------------------------------------------
def test_makes_the_project_on_the_server_and_opens_it(window, dialog, server, tmp_path):
    url = fresh_db(server, "ui_lab")
    folder = tmp_path / "lab"
    fill(dialog, folder, url)
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.problem.text()
    ws = window.workspace
    assert ws.has_project and ws.folder == folder
    assert ws.session._project.server is not None
    settings = json.loads((folder / "project.emosign").read_text())
    assert settings == {"kind": settings["kind"], "host": "127.0.0.1", "port": server.port,
                        "database": "ui_lab"}
    assert "lab" in window.windowTitle()
    # a second annotator's folder joins the same project
    other = tmp_path / "lee"
    d2 = ServerProjectDialog(window.workspace, window)
    fill(d2, other, url)
    assert d2.make_project()
    assert window.workspace.folder == other


def test_a_typed_password_goes_to_the_keyring_not_the_folder(dialog, server, tmp_path,
                                                             monkeypatch, no_password):
    keyring = MemoryKeyring(monkeypatch)
    url = fresh_db(server, "ui_keyring")
    dialog.address.setText(url)
    assert "if the server asks for one" in dialog.password_hint.text()
    assert f"'{server.user}'" in dialog.password_hint.text()
    fill(dialog, tmp_path / "lab", url, "wrong-password")
    assert not dialog.make_project()  # refused: nothing made, nothing kept
    text = dialog.problem.text()
    assert text.startswith(f"Database 'ui_keyring' on 127.0.0.1:{server.port} refused the "
                           "password")
    assert f"user '{server.user}'" in text and "No project was made" in text
    assert dialog.password.hasFocus() or not dialog.isVisible()
    assert keyring.items == {} and not (tmp_path / "lab").exists()
    dialog.password.setText(PASSWORD)
    assert dialog.make_project(), dialog.problem.text()
    name = f"{server.user}@127.0.0.1:{server.port}/ui_keyring"
    assert keyring.items == {(KEYRING_SERVICE, name): PASSWORD}
    assert PASSWORD not in (tmp_path / "lab" / "project.emosign").read_text()
    again = ServerProjectDialog(dialog.workspace)
    again.address.setText(url)
    assert "already given by the system keyring" in again.password_hint.text()


def test_no_password_from_anywhere_says_what_to_do(dialog, server, tmp_path, monkeypatch,
                                                   no_password):
    MemoryKeyring(monkeypatch)
    fill(dialog, tmp_path / "deep" / "lab", fresh_db(server, "ui_nopw"))
    assert not dialog.make_project()
    assert "asks for a password" in dialog.problem.text()
    assert not (tmp_path / "deep").exists()  # the folders it would have made are gone


def test_a_keyring_that_cannot_keep_it_is_said_and_nothing_made(dialog, server, tmp_path,
                                                                monkeypatch, no_password):
    import keyring

    def refuse(*_a) -> None:
        raise RuntimeError("No recommended backend was available")

    monkeypatch.setattr(keyring, "set_password", refuse)
    monkeypatch.setattr(keyring, "get_password", lambda *_a: None)
    fill(dialog, tmp_path / "lab", fresh_db(server, "ui_nokeyring"), PASSWORD)
    assert not dialog.make_project()
    text = dialog.problem.text()
    assert text.startswith("The system keyring cannot keep the password")
    assert "PGPASSWORD or ~/.pgpass" in text and text.endswith("No project was made.")
    assert not (tmp_path / "lab").exists() and not dialog.workspace.has_project


def test_a_server_that_does_not_answer_is_named_and_nothing_made(window, dialog, tmp_path,
                                                                 server):
    from tests.storage.pg_server import _free_port

    port = _free_port()  # nothing listens there
    fill(dialog, tmp_path / "lab", f"postgresql://127.0.0.1:{port}/emo")
    assert not dialog.make_project()
    text = dialog.problem.text()
    assert text.startswith(f"Nothing answers at 127.0.0.1:{port} (connection refused)")
    assert "No project was made" in text
    assert dialog.address.hasFocus() or not dialog.isVisible()
    assert not (tmp_path / "lab").exists() and not window.workspace.has_project
    fill(dialog, tmp_path / "lab", "postgresql://no-such-host.invalid/emo")
    assert not dialog.make_project()
    assert "no server called 'no-such-host.invalid'" in dialog.problem.text()
    assert "No project was made." in dialog.problem.text()
    assert not (tmp_path / "lab").exists()


def test_a_folder_that_holds_a_project_already_is_refused(dialog, server, tmp_path,
                                                          project_dir):
    fill(dialog, project_dir, fresh_db(server, "ui_taken"))
    assert not dialog.make_project()
    assert "a project already exists here" in dialog.problem.text()
    assert project_dir.joinpath("project.emosign").read_bytes()[:6] == b"SQLite"


# -- it fits -------------------------------------------------------------------------------------
@pytest.mark.parametrize("scale", [100, 200])
def test_the_dialog_fits_a_laptop_screen_at_large_text(window, qtbot, scale, tmp_path):
    apply_appearance(scale)
    try:
        d = ServerProjectDialog(window.workspace, window)
        qtbot.addWidget(d)
        d.show_problem("Not made: " + "a long reason that has to wrap onto more lines " * 4)
        d.show()
        qtbot.waitExposed(d)
        hint = d.sizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, hint
        for label in (d.password_hint, d.problem):
            assert label.wordWrap()
        d.grab().save(str(tmp_path / f"server-dialog-{scale}.png"))
    finally:
        apply_appearance(100)


def test_new_server_project_returns_what_the_dialog_did(window, monkeypatch):
    monkeypatch.setattr(ServerProjectDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert server_project.new_server_project(window, window.workspace)
