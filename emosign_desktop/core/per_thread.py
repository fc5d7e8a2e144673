"""An attribute with a value per thread: the open write transaction, the operation being
run and its initiator belong to the thread that runs them (the application writes on its
background writer while its GUI thread reads)."""

from __future__ import annotations

import threading
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class PerThread(Generic[T]):
    """A class attribute whose value is per thread (None until the thread sets it), kept in
    the instance's ``_here`` (a :class:`threading.local`)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> PerThread[T]: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> T | None: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        here: threading.local = obj._here  # type: ignore[attr-defined]
        return getattr(here, self.name, None)

    def __set__(self, obj: object, value: T | None) -> None:
        here: threading.local = obj._here  # type: ignore[attr-defined]
        setattr(here, self.name, value)
