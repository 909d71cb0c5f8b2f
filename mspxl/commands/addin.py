"""Installing the MSP Billing add-in where Excel loads it at start, with the add-in's configuration pointing at
this Python, and removing it again.

Excel opens every workbook in its startup folder (XLSTART) when it starts. The add-in's xlwings module reads its
settings from `%USERPROFILE%\\.mspxl\\mspxl.conf` on Windows and from
`~/Library/Containers/com.microsoft.Excel/Data/mspxl.conf` on a Mac: the interpreter that runs the buttons and the
module that holds the worksheet functions.

On Windows the add-in's VBA reads that file in the system's ANSI code page (`Open ... For Input`), so it is
written in that code page: `C:\\Users\\José\\...` must reach Excel as `José`, not as the two UTF-8 bytes of `é`. A path
the code page cannot hold is written as its short (8.3) form when Windows has one, and refused otherwise.
"""

from __future__ import annotations

import locale
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ADDIN_NAME = "mspxl.xlam"
UDF_MODULES = "mspxl.xl.udfs"
MAC_SANDBOX = Path("Library/Containers/com.microsoft.Excel/Data")
MAC_STARTUP = Path("Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel")
MAC_SCRIPTS = Path("Library/Application Scripts/com.microsoft.Excel")


class AddinError(Exception):
    """The add-in cannot be installed or removed here; the message says why."""


@dataclass(frozen=True)
class Places:
    startup: Path  # Excel's XLSTART folder
    config: Path  # the add-in's configuration file
    scripts: Path | None = None  # macOS: where Excel may run the xlwings AppleScript from
    encoding: str = "utf-8"  # of the configuration file, as the add-in's VBA reads it


def places(platform: str, home: Path, env: Mapping[str, str], startup: Path | None = None,
           ansi: str | None = None) -> Places:
    """Where Excel looks on this platform (`startup` overrides the XLSTART folder; `ansi` the Windows code page,
    by default this system's)."""
    if platform.startswith("win"):
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        profile = Path(env.get("USERPROFILE") or home)
        return Places(startup or appdata / "Microsoft" / "Excel" / "XLSTART", profile / ".mspxl" / "mspxl.conf",
                      encoding=ansi or locale.getencoding())
    if platform == "darwin":
        return Places(startup or home / MAC_STARTUP, home / MAC_SANDBOX / "mspxl.conf", home / MAC_SCRIPTS)
    if startup is None:
        raise AddinError("Excel runs on Windows and macOS; on this system give the startup folder with --folder.")
    return Places(startup, home / ".mspxl" / "mspxl.conf")


def built_addin() -> Path:
    """The add-in shipped with mspxl: package data when installed from a wheel, else the repository's workbook/."""
    from mspxl.resources import addin_file

    candidate = addin_file()
    if candidate.exists():
        return candidate
    raise AddinError(f"{ADDIN_NAME} is not part of this installation; build it with `make addin`.")


def config_lines(interpreter: str) -> dict[str, str]:
    return {"INTERPRETER_WIN": interpreter, "INTERPRETER_MAC": interpreter, "UDF MODULES": UDF_MODULES}


def _read_config(path: Path, encoding: str) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:  # written as UTF-8 by an earlier version
        text = data.decode("utf-8", "replace")
    entries = []
    for line in text.splitlines():
        key, _, value = line.partition(",")
        if key.strip():
            entries.append((key.strip().strip('"'), value.strip().strip('"')))
    return entries


def _write_config(path: Path, entries: list[tuple[str, str]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f'"{key}","{value}"\n' for key, value in entries)
    path.write_bytes(text.encode(encoding, "replace"))


def windows_short_path(path: str) -> str | None:
    """The 8.3 form of an existing path (`C:\\Users\\JOSE~1\\...`), None where Windows keeps none."""
    if not sys.platform.startswith("win"):
        return None
    import ctypes

    buffer = ctypes.create_unicode_buffer(32768)
    size = ctypes.windll.kernel32.GetShortPathNameW(path, buffer, len(buffer))  # type: ignore[attr-defined]
    return buffer.value if 0 < size < len(buffer) else None


def readable_path(path: str, encoding: str, short_path: Callable[[str], str | None] = windows_short_path) -> str:
    """`path` as the add-in can read it from a file in `encoding`: itself, or its short form; AddinError when
    neither fits."""
    try:
        path.encode(encoding)
        return path
    except UnicodeEncodeError:
        short = short_path(path)
    try:
        if short is not None:
            short.encode(encoding)
            return short
    except UnicodeEncodeError:
        pass
    raise AddinError(f"Excel cannot read the path {path} from its configuration (its characters are not in this "
                     f"system's code page, {encoding}, and Windows keeps no short name for it): install Python in a "
                     "folder whose name uses only those characters, such as C:\\Python, and run `mspxl addin "
                     "install` with that Python.")


def install(where: Places, interpreter: str = sys.executable, source: Path | None = None,
            short_path: Callable[[str], str | None] = windows_short_path) -> list[Path]:
    """Copy the add-in into the startup folder and point its configuration at `interpreter`; settings of the
    configuration file that mspxl does not own are kept. Returns the files written."""
    source = source or built_addin()
    ours = config_lines(readable_path(interpreter, where.encoding, short_path))
    where.startup.mkdir(parents=True, exist_ok=True)
    target = where.startup / ADDIN_NAME
    shutil.copyfile(source, target)
    kept = [(k, v) for k, v in _read_config(where.config, where.encoding) if k.upper() not in ours]
    _write_config(where.config, kept + list(ours.items()), where.encoding)
    written = [target, where.config]
    if where.scripts is not None:
        written.extend(_install_applescript(where.scripts))
    return written


def _install_applescript(folder: Path) -> list[Path]:
    """macOS: RunPython needs xlwings' AppleScript in Excel's script folder."""
    import xlwings

    script = Path(xlwings.__file__).parent / f"xlwings-{xlwings.__version__}.applescript"
    if not script.exists():
        return []
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(script, folder / script.name)
    return [folder / script.name]


def remove(where: Places) -> list[Path]:
    """Undo `install`: the add-in leaves the startup folder and mspxl's settings leave the configuration file
    (removed when nothing else is in it). Returns the files removed or changed."""
    changed = []
    target = where.startup / ADDIN_NAME
    if target.exists():
        target.unlink()
        changed.append(target)
    ours = config_lines("")
    entries = _read_config(where.config, where.encoding)
    kept = [(k, v) for k, v in entries if k.upper() not in ours]
    if entries and kept:
        _write_config(where.config, kept, where.encoding)
        changed.append(where.config)
    elif entries:
        where.config.unlink()
        changed.append(where.config)
    return changed
