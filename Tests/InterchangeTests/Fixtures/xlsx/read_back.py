#!/usr/bin/env python3
"""Reads an .xlsx with openpyxl and prints, as JSON, what the writer tests check: per sheet its
name, frozen pane, filter range, column widths, and every cell's value, type, number format,
fill and bold."""
import datetime
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
sheets = []
for ws in wb.worksheets:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not (c.fill is not None and c.fill.fill_type == "solid"):
                continue
            v = c.value
            if isinstance(v, (datetime.datetime, datetime.date)):
                v = v.isoformat()
            fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
            cells[c.coordinate] = {"value": v, "type": c.data_type, "format": c.number_format,
                                   "fill": fill, "bold": bool(c.font.b)}
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    sheets.append({"name": ws.title, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
                   "widths": widths, "cells": cells})
print(json.dumps({"title": wb.properties.title, "creator": wb.properties.creator, "sheets": sheets},
                 ensure_ascii=False))
