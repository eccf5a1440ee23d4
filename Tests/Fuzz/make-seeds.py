#!/usr/bin/env python3
"""Writes the CSV, XLSX and import seed corpora (Tests/Fuzz/Corpus/{csv,xlsx,importsource}/).

The other corpora are written by `svault-fuzz seeds DIR` (Docs/FUZZING.md). Workbooks are made
with openpyxl when it is installed and by hand with zipfile otherwise (the minimal parts a
reader needs); the files are committed, so this runs only to renew them.
"""
import io, os, sys, zipfile

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "Corpus")

def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

rows = [
    ["客户名称", "等级", "行业", "电话", "统一社会信用代码", "备注"],
    ["华为技术有限公司", "A", "通信", "0755-28780808", "914403001922038216", "重点客户"],
    ["Acme Trading Ltd", "B", "trade", "+1 555 0100", "", 'says "hi", twice'],
    ["=HYPERLINK(\"x\")", "C", "", "", "", "line\nbreak"],
]

def csv_text(rows, delim=","):
    out = []
    for r in rows:
        cells = []
        for c in r:
            if any(ch in c for ch in (delim, '"', "\n", "\r")):
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        out.append(delim.join(cells))
    return "\r\n".join(out) + "\r\n"

text = csv_text(rows)
csvs = {
    "utf8.csv": text.encode("utf-8"),
    "utf8-bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf16le.csv": b"\xff\xfe" + csv_text(rows, "\t").encode("utf-16-le"),
    "utf16be.csv": b"\xfe\xff" + text.encode("utf-16-be"),
    "gb18030.csv": text.encode("gb18030"),
    "semicolon.csv": csv_text(rows, ";").encode("utf-8"),
    "tab.tsv": csv_text(rows, "\t").encode("utf-8"),
    "unterminated-quote.csv": b'name,grade\n"Acme,B\n',
    "title-row.csv": ("客户清单 2026\n\n" + text).encode("utf-8"),
    "ragged.csv": b"a,b,c\n1,2\n3,4,5,6\n,,\n",
}
for name, data in csvs.items():
    put("csv", name, data)
    put("importsource", name, data)

def xlsx_by_hand(cells, shared=True, date=False):
    """A minimal workbook: content types, rels, workbook, one sheet, shared strings, styles."""
    strings, sheet_rows = [], []
    for r, row in enumerate(cells, start=1):
        xs = []
        for c, v in enumerate(row):
            ref = chr(65 + c) + str(r)
            if isinstance(v, (int, float)):
                style = ' s="1"' if date and c == 0 else ""
                xs.append(f'<c r="{ref}"{style}><v>{v}</v></c>')
            elif shared:
                strings.append(v)
                xs.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                esc = v.replace("&", "&amp;").replace("<", "&lt;")
                xs.append(f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>')
        sheet_rows.append(f'<row r="{r}">' + "".join(xs) + "</row>")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rns}><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>' + "".join(sheet_rows) + "</sheetData></worksheet>",
        "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {ns}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
    }
    if shared:
        items = "".join("<si><t>" + s.replace("&", "&amp;").replace("<", "&lt;") + "</t></si>" for s in strings)
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}">{items}</sst>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()

xlsxs = {
    "shared-strings.xlsx": xlsx_by_hand(rows),
    "inline-strings.xlsx": xlsx_by_hand(rows, shared=False),
    "dates-numbers.xlsx": xlsx_by_hand([["签约日期", "金额"], [46000, 1234.5], [45000.75, -3]], date=True),
}
try:
    import openpyxl, datetime
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["客户清单"])
    ws.append(rows[0])
    for r in rows[1:]:
        ws.append(r)
    ws.append(["Dated", datetime.date(2026, 11, 30), 3.25, True])
    buf = io.BytesIO()
    wb.save(buf)
    xlsxs["openpyxl.xlsx"] = buf.getvalue()
except ImportError:
    pass
for name, data in xlsxs.items():
    put("xlsx", name, data)
    put("importsource", name, data)
put("importsource", "old-xls-magic.xls", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + b"\0" * 56)

# officecrypto: encrypted workbooks whose password is "fuzz" (the target's), with small spin
# counts so that each input stays fast: agile by msoffcrypto-tool (spin count 10), standard by
# LibreOffice through Python-UNO when it is installed (its spin count is the format's 50,000),
# and hand-made compound files (an .xls stream, a cut-off header).
put("officecrypto", "header-only.cfb", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + b"\0" * 504)
small = xlsx_by_hand(rows[:2])
try:
    from msoffcrypto.method import ecma376_agile
    put("officecrypto", "agile-spin10.xlsx", ecma376_agile.ECMA376Agile.encrypt("fuzz", io.BytesIO(small), spin_count=10))
    put("importsource", "agile-spin10.xlsx", ecma376_agile.ECMA376Agile.encrypt("fuzz", io.BytesIO(small), spin_count=10))
except ImportError:
    pass
import subprocess, tempfile
here = os.path.dirname(os.path.abspath(__file__))
lo = os.path.join(here, "..", "InterchangeTests", "Fixtures", "xlsx", "lo_password.py")
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "plain.xlsx")
    with open(src, "wb") as f:
        f.write(small)
    for mode, name in (("encrypt", "standard-libreoffice.xlsx"), ("encrypt-xls", "rc4-libreoffice.xls")):
        out = os.path.join(tmp, name)
        if os.path.exists("/usr/bin/python3") and subprocess.run(["/usr/bin/python3", lo, mode, src, out, "fuzz", os.path.join(tmp, "lo")],
                                                                   capture_output=True).returncode == 0:
            with open(out, "rb") as f:
                put("officecrypto", name, f.read())
