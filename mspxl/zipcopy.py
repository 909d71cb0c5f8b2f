"""Zip members moved as their compressed bytes: read as stored, written behind a fresh local header, never inflated
and deflated again. Shared by the workbook writer (the parts a command does not own) and the document renderer (a
template's parts that no invoice changes).

`zipfile` has no public call for this; the writing side keeps `ZipFile`'s own bookkeeping (file list, names, the
central directory written on close) as `ZipFile.write` does.
"""

from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib
from typing import BinaryIO


def stored_bytes(source: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """A member's data as stored in the file (compressed as it is)."""
    source.seek(info.header_offset)
    local = source.read(30)
    if local[:4] != b"PK\x03\x04" or info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename}: unexpected local header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    source.seek(info.header_offset + 30 + name_length + extra_length)
    return source.read(info.compress_size)


def write_stored(out: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> None:
    """Append a member whose data is already compressed as `info` says: a local header with its sizes and CRC (no
    data descriptor), the data, and `info` (a copy, at its new offset) for the central directory."""
    placed = copy.copy(info)
    placed.flag_bits &= ~0x08
    placed.header_offset = out.fp.tell()  # type: ignore[union-attr]
    out.fp.write(placed.FileHeader() + data)  # type: ignore[union-attr]
    out.filelist.append(placed)
    out.NameToInfo[placed.filename] = placed
    out.start_dir = out.fp.tell()  # type: ignore[union-attr]
    out._didModify = True


try:  # ISA-L's deflate: the same format as zlib's, three to four times as fast at level 1 (bench/PROFILE.md)
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without its wheel deflates with zlib
    _deflate = zlib


class Slot:
    """A member written again and again with new data (a document's rendered part): its name, flags, date and
    attributes packed once, so each document only adds its CRC and sizes."""

    __slots__ = ("name", "flags", "dos_time", "dos_date", "create_version", "create_system", "internal_attr",
                 "external_attr")

    def __init__(self, info: zipfile.ZipInfo) -> None:
        try:
            self.name, self.flags = info.filename.encode("ascii"), 0
        except UnicodeEncodeError:
            self.name, self.flags = info.filename.encode("utf-8"), 0x800
        year, month, day, hour, minute, second = info.date_time
        self.dos_time, self.dos_date = hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
        self.create_version, self.create_system = info.create_version, info.create_system
        self.internal_attr, self.external_attr = info.internal_attr, info.external_attr


Deflated = tuple[Slot, int, int, bytes]  # the member's slot, CRC, size, deflated data


def deflated(slot: Slot, data: bytes, level: int = 1) -> Deflated:
    """`data` deflated at `level` (raw deflate, as zip stores it), to be written as the member `slot` (see
    `zip_bytes`)."""
    packer = _deflate.compressobj(level, zlib.DEFLATED, -15)
    return slot, _deflate.crc32(data), len(data), packer.compress(data) + packer.flush()


Laid = tuple[bytes, bytes, int]  # members' local headers and data, their central directory entries, how many


def laid_out(source: zipfile.ZipFile, names: list[str]) -> Laid:
    """Members of `source` copied as stored, from offset 0 on, with their directory entries: the start of every zip
    `zip_bytes` makes with them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            info = source.getinfo(name)
            write_stored(package, info, stored_bytes(source.fp, info))  # type: ignore[arg-type]
    data = buffer.getvalue()
    count, size, offset = struct.unpack("<H2L", data[-12:-2])
    return data[:offset], data[offset:offset + size], count


_LOCAL = struct.Struct(zipfile.structFileHeader)
_CENTRAL = struct.Struct(zipfile.structCentralDir)
_END = struct.Struct(zipfile.structEndArchive)


def zip_bytes(laid: Laid, members: list[Deflated]) -> bytes:
    """A whole zip: the laid-out members as they are, then `members` (deflated), then the central directory.

    Made here rather than through `ZipFile`, whose directory would be rebuilt entry by entry for every document;
    the records are the ones `zipfile` writes and reads (its struct layouts)."""
    prefix, directory, count = laid
    pieces, offset, entries = [prefix], len(prefix), [directory]
    for slot, crc, size, data in members:
        name = slot.name
        local = _LOCAL.pack(zipfile.stringFileHeader, 20, 0, slot.flags, zipfile.ZIP_DEFLATED, slot.dos_time,
                            slot.dos_date, crc, len(data), size, len(name), 0)
        pieces += [local, name, data]
        entries += [_CENTRAL.pack(zipfile.stringCentralDir, slot.create_version, slot.create_system, 20, 0,
                                  slot.flags, zipfile.ZIP_DEFLATED, slot.dos_time, slot.dos_date, crc, len(data),
                                  size, len(name), 0, 0, 0, slot.internal_attr, slot.external_attr, offset), name]
        offset += len(local) + len(name) + len(data)
    central = b"".join(entries)
    total = count + len(members)
    pieces += [central, _END.pack(zipfile.stringEndArchive, 0, 0, total, total, len(central), offset, 0)]
    return b"".join(pieces)
