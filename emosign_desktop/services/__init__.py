"""Operations on an open project: validated, committed at once, undoable."""
