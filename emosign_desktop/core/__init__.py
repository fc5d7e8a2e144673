"""Pure-Python domain: label schema, dataclasses, undo stack. No Qt, no SQLAlchemy, no numpy."""
