#!/usr/bin/env python3
"""Copies an .xlsx, replacing or dropping parts, to make damaged workbooks for the tests.

usage: rewrite_part.py SRC DST PART (--drop | --text TEXT | --zeros N | --truncate-deflate)
  --text TEXT          the part's new content (UTF-8)
  --zeros N            N zero bytes, deflated (a zip bomb when N is large)
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
            elif mode == "--zeros":
                data = bytes(int(arg))
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
