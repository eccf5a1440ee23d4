#!/usr/bin/env python3
"""Copies an .xlsx, replacing or dropping parts, to make damaged workbooks for the tests.

usage: rewrite_part.py SRC DST PART (--drop | --text TEXT | --zeros N | --truncate-deflate)
  --text TEXT          the part's new content (UTF-8)
  --text-utf16 TEXT    the part's new content in UTF-16 with a byte order mark
  --text-utf32 TEXT    the same in UTF-32
  --zeros N            N zero bytes, deflated (a zip bomb when N is large)
  --one-line-rows N    a worksheet of N rows (A: the row number, B: text "行N") on one line,
                       as Excel writes it (over 10 MB when N is large)
  --drop               leave the part out
  --truncate-deflate   keep the entry but make its deflate stream a stored block that claims
                       65,535 bytes and never ends (sizes and offsets unchanged)
"""
import sys
import zipfile

src, dst, part, mode = sys.argv[1:5]
arg = sys.argv[5] if len(sys.argv) > 5 else None

with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == part:
            if mode == "--drop":
                continue
            if mode == "--text":
                data = arg.encode("utf-8")
            elif mode == "--text-utf16":
                data = arg.encode("utf-16")
            elif mode == "--text-utf32":
                data = arg.encode("utf-32-be")
            elif mode == "--zeros":
                data = bytes(int(arg))
            elif mode == "--one-line-rows":
                rows = "".join(
                    f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}" t="inlineStr"><is><t>行{i}</t></is></c></row>'
                    for i in range(1, int(arg) + 1))
                data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        f'<sheetData>{rows}</sheetData></worksheet>').encode("utf-8")
        zout.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)

if mode == "--truncate-deflate":
    with zipfile.ZipFile(dst) as z:
        info = z.getinfo(part)
    blob = bytearray(open(dst, "rb").read())
    name_len = int.from_bytes(blob[info.header_offset + 26:info.header_offset + 28], "little")
    extra_len = int.from_bytes(blob[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    n = info.compress_size
    stored = b"\x00\xff\xff\x00\x00"  # BFINAL=0, stored, LEN=65535, NLEN=0
    blob[start:start + n] = (stored + b"A" * n)[:n]
    open(dst, "wb").write(bytes(blob))
