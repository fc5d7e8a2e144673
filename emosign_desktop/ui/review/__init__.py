"""Reviewing several annotators: side by side, segments per annotator, agreement."""
