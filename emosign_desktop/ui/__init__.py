"""Everything PySide6 and pyqtgraph lives here."""
