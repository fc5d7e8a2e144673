"""File ▸ New Project on a Server: a project whose labels live in a PostgreSQL database on a
lab's server, so that several annotators work on it at once.

The dialog asks for the project folder (it holds the videos and a small file naming the
server), the server's address ``postgresql://HOST[:PORT]/DATABASE`` and, if the server wants
one and nothing else gives it, a password, which is kept in the system keyring and never
written into the folder.  A database that already holds an EmoSign project is joined.  When
the server cannot be reached or refuses, the dialog says which server and why, stays open to
correct the entries, and nothing was made.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from emosign_desktop.core.errors import EmoSignError, ProjectError
from emosign_desktop.services.remote import parse_server_url, password_source
from emosign_desktop.services.workspace import Workspace
from emosign_desktop.ui.dialog_size import fit_to_screen

ADDRESS_HINT = "postgresql://HOST[:PORT]/DATABASE"


class ServerProjectDialog(QDialog):
    """Folder, server address and (optional) password; Create makes or joins the project
    and opens it in the workspace."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("New Project on a Server")
        self.setAccessibleName("New Project on a Server")
        intro = QLabel(
            "The labels live in a PostgreSQL database on your lab's server, so several "
            "annotators can work at once. The folder on this computer holds the videos and "
            "a small file naming the server: no user name, no password. If the database "
            "already holds an EmoSign project, the folder joins it.")
        intro.setWordWrap(True)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Project folder")
        self.folder.setPlaceholderText("a folder on this computer, for the videos")
        browse = QPushButton("&Browse...")
        browse.setAccessibleName("Choose the project folder")
        browse.clicked.connect(self.browse)
        self.browse_button = browse
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.address = QLineEdit()
        self.address.setAccessibleName("Server address")
        self.address.setPlaceholderText(ADDRESS_HINT)
        self.address.textChanged.connect(self._update_password_hint)
        self.password = QLineEdit()
        self.password.setAccessibleName("Password (optional)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_hint = QLabel()
        self.password_hint.setWordWrap(True)
        self.password_hint.setAccessibleName("About the password")
        self.password_hint.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        folder_label = QLabel("Project &folder:")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, row)
        form.addRow("Server &address:", self.address)
        form.addRow("&Password (optional):", self.password)
        form.addRow("", self.password_hint)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setStyleSheet("font-weight: bold")
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("C&reate Project",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.make_project)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for a, b in ((self.folder, browse), (browse, self.address),
                     (self.address, self.password), (self.password, self.create_button)):
            QWidget.setTabOrder(a, b)
        self.setMinimumWidth(min(self.fontMetrics().averageCharWidth() * 64,
                                 _screen_width(self) - 40))
        self._update_password_hint()

    def setVisible(self, visible: bool) -> None:
        """Tall enough for its wrapped text at the text size in use, when it opens."""
        if visible and not self.isVisible():
            fit_to_screen(self)
        super().setVisible(visible)

    # -- the entries -------------------------------------------------------------------------
    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Project folder (for the videos)",
                                                  self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _update_password_hint(self) -> None:
        user = ""
        source = None
        try:
            settings = parse_server_url(self.address.text())
            user = settings.user()
            source = password_source(self.address.text())
        except ProjectError:
            pass
        who = f" for the user '{user}'" if user else ""
        if source is not None:
            text = (f"A password{who} is already given by {source}; leave this empty to use "
                    "it. One typed here is kept in the system keyring.")
        else:
            text = (f"The password{who}, if the server asks for one. It is kept in the system "
                    "keyring, never in the project folder. Leave it empty when PGPASSWORD or "
                    "~/.pgpass gives it.")
        self.password_hint.setText(text)

    def show_problem(self, text: str, focus: QWidget | None = None) -> None:
        """Say what is wrong (in the dialog, which stays open) and put the focus where it
        can be put right."""
        self.problem.setText(text)
        self.problem.show()
        self.problem.setAccessibleDescription(text)
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- creating ----------------------------------------------------------------------------
    def make_project(self) -> bool:
        """Make (or join) the project and open it; on failure say why and keep the dialog."""
        folder = self.folder.text().strip()
        url = self.address.text().strip()
        if not folder:
            self.show_problem("Choose the project folder (it holds the videos).", self.folder)
            return False
        try:
            settings = parse_server_url(url)
        except ProjectError as exc:
            self.show_problem(f"{exc}" if url else f"Give the server's address: {ADDRESS_HINT}",
                              self.address)
            return False
        self.show_problem(f"Connecting to {settings.label}...")
        self.problem.repaint()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.workspace.create_on_server(folder, url, self.password.text() or None)
        except EmoSignError as exc:
            text = str(exc)
            focus = (self.password if "password" in text and "keyring" not in text
                     else self.folder if text.startswith(folder) else self.address)
            self.show_problem(_sentence(text), focus)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.password.clear()
        self.accept()
        return True


def _sentence(text: str) -> str:
    """An error's line as the dialog shows it: a sentence saying that nothing was made."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    if "No project was made" not in text:
        text = text.rstrip(".") + ". No project was made."
    return text


def _screen_width(widget: QWidget) -> int:
    screen = widget.screen() or QApplication.primaryScreen()
    return screen.availableGeometry().width() if screen is not None else 1280


def new_server_project(parent: QWidget, workspace: Workspace) -> bool:
    """Ask for the folder, server and password, then make and open the project."""
    dialog = ServerProjectDialog(workspace, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
