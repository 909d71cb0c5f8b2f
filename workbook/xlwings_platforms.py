"""xlwings' own Windows and macOS modules, imported on a machine without Excel.

xlwings' Windows code (`_xlwindows`, the UDF machinery in `udfs` and the COM server's `CallUDF`) imports pywin32,
and its macOS code (`_xlmac`) imports appscript; neither exists on Linux. Only those imports are stood in for here
(plus ctypes' Windows DLL loaders, which `_xlwindows` touches while it loads): everything xlwings does with the
values is its own code. The add-in build uses the Windows modules to generate the worksheet functions' VBA wrapper
with xlwings' own generator; the tests use both to run mspxl through xlwings as it runs inside Excel.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import importlib
import sys
import types
from typing import Any
from unittest import mock


class Inert:
    """Any attribute, any call: what a Windows API the code only mentions while loading gives back."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, name: str) -> Inert:
        return Inert(f"{self._name}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Inert:
        return Inert(f"{self._name}()")

    def __repr__(self) -> str:
        return f"<{self._name}>"


def _module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)

    def anything(attr: str) -> Inert:
        if attr.startswith("__"):  # what tools ask every module (__file__, __path__): a plain module's answers
            raise AttributeError(attr)
        return Inert(f"{name}.{attr}")

    module.__getattr__ = anything  # type: ignore[method-assign]
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


class TimeType(dt.datetime):
    """pywintypes' date type: what COM hands Python for a date cell (a datetime with a time zone)."""


class com_error(Exception):  # noqa: N801 - pywintypes' name
    pass


class _Dispatch:
    pass


IID_IDISPATCH = "{00020400-0000-0000-C000-000000000046}"


def _pywin32() -> None:
    if "pywintypes" in sys.modules and isinstance(sys.modules["pywintypes"].__dict__.get("TimeType"), type):
        return
    _module("pywintypes", TimeType=TimeType, com_error=com_error, IID=lambda text: text, TRUE=True, FALSE=False)
    for name in ("win32api", "win32con", "win32gui", "win32process", "win32event"):
        _module(name)
    _module("pythoncom", __file__=None, IID_IDispatch=IID_IDISPATCH, TypeIIDs={IID_IDISPATCH: _Dispatch},
            CoInitialize=lambda: None,
            CoMarshalInterThreadInterfaceInStream=lambda iid, obj: obj,
            CoGetInterfaceAndReleaseStream=lambda stream, iid: stream)
    _module("win32com")
    _module("win32com.client", CDispatch=type("CDispatch", (), {}), CoClassBaseClass=type("CoClass", (), {}),
            DispatchBaseClass=type("DispatchBaseClass", (), {}), Dispatch=lambda obj, **kwargs: obj,
            DispatchEx=lambda obj, **kwargs: obj)
    _module("win32com.server")
    _module("win32com.server.dispatcher")
    _module("win32com.server.policy")

    def unwrap(obj: object) -> object:
        raise ValueError("not a wrapped Python object")  # what pywin32 says of a plain COM argument

    _module("win32com.server.util", unwrap=unwrap, wrap=lambda obj, **kwargs: obj)
    _module("win32timezone", TimeZoneInfo=types.SimpleNamespace(utc=lambda: dt.UTC))


def windows() -> types.SimpleNamespace:
    """xlwings' Windows modules: `_xlwindows` (the engine), `udfs` (`xlfunc`, `call_udf`, the VBA wrapper
    generator) and `com_server` (`XLPython.CallUDF`, what the VBA wrapper calls)."""
    _pywin32()
    loaders = (mock.patch.object(ctypes, "windll", Inert("windll"), create=True),
               mock.patch.object(ctypes, "oledll", Inert("oledll"), create=True),
               mock.patch.object(ctypes, "PyDLL", lambda *args, **kwargs: Inert("PyDLL")))
    with loaders[0], loaders[1], loaders[2]:
        xlwindows = importlib.import_module("xlwings._xlwindows")
    udfs = importlib.import_module("xlwings.udfs")
    com_server = importlib.import_module("xlwings.com_server")
    return types.SimpleNamespace(xlwindows=xlwindows, udfs=udfs, com_server=com_server)


class Keyword:
    """appscript's `k.name`: equal to the keyword of the same name only."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keyword) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("Keyword", self.name))

    def __repr__(self) -> str:
        return f"k.{self.name}"


class _Keywords:
    def __getattr__(self, name: str) -> Keyword:
        return Keyword(name)


class CommandError(Exception):
    pass


def _appscript() -> None:
    if "appscript" in sys.modules and isinstance(sys.modules["appscript"].__dict__.get("k"), _Keywords):
        return
    keywords = _Keywords()
    _module("aem")
    _module("osax")
    _module("psutil", process_iter=lambda: [])  # installed with xlwings on a Mac only
    _module("appscript", k=keywords, its=Inert("its"), mactypes=Inert("mactypes"))
    _module("appscript.reference", CommandError=CommandError, Reference=type("Reference", (), {}))


def mac() -> types.ModuleType:
    """xlwings' macOS engine module `_xlmac`."""
    _appscript()
    return importlib.import_module("xlwings._xlmac")


def missing_value() -> Keyword:
    """appscript's `k.missing_value`: what Excel for Mac gives for an error cell's value."""
    _appscript()
    return sys.modules["appscript"].k.missing_value
