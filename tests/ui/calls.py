"""Counting the calls of one object's method in a test, so production classes carry no
counters "for tests"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


class Calls:
    """How many times ``obj.name(...)`` ran since this was made: the method is wrapped on
    that object for the test (calls that look it up on the object are counted; a bound
    method taken before, e.g. a Qt connection made in ``__init__``, is not)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, obj: object, name: str) -> None:
        self.count = 0
        original: Callable[..., Any] = getattr(obj, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(obj, name, counted)
