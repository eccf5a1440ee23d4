#!/usr/bin/env python3
"""Writes the test workbooks the XLSX reader tests read, with openpyxl (made at test time).

usage: make_workbooks.py OUTDIR
  OUTDIR/customers.xlsx  客户 / 联系人 / 跟进记录, 1900 date system
  OUTDIR/mac1904.xlsx    one sheet, 1904 date system
"""
import datetime
import sys

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.datetime import CALENDAR_MAC_1904

out = sys.argv[1]

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "客户"
ws.append(["客户名称", "统一社会信用代码", "电话", "年营业额", "签约日期", "上次拜访", "重点客户", "备注"])
ws.append(["上海𠮷野家餐饮有限公司", "91310000MA1FL4XXXX", "0571-88886666", 1234567.5,
           datetime.date(2024, 3, 5), datetime.datetime(2024, 3, 5, 14, 30, 15), True, "老客户"])
ws.append(["杭州西湖茶业", "913301000000000001", "0571-12345678", 88, None, None, False, None])
ws["D3"].number_format = "#,##0.00"
ws["C3"].value = "0571-12345678"
# Row 5 (row 4 left empty): an empty cell between values, a formula with a cached error is not
# possible in openpyxl, so the error value is written as an error cell.
ws["A5"] = "北京"
ws["C5"] = 42
ws["E5"] = datetime.date(1900, 1, 1)
ws["F5"] = datetime.datetime(2023, 12, 31, 23, 59, 59, 600000)  # rounds to the next day
ws["G5"] = "#N/A"
ws["G5"].data_type = "e"
ws["A5"].font = Font(bold=True)
ws["A5"].fill = PatternFill("solid", fgColor="FFFFF2CC")

contacts = wb.create_sheet("联系人")
contacts.append(["姓名", "手机"])
contacts.append(["张伟", "13800138000"])
contacts.append(["李娜", "+86 139 0000 0000"])

log = wb.create_sheet("跟进记录")
log.append(["日期", "内容"])
log.append([datetime.date(2024, 1, 2), "电话沟通\n下周拜访"])
log["C2"] = 3.25
log["C2"].number_format = "yyyy\"年\"m\"月\"d\"日\""  # a Chinese custom date format
log["D2"] = 0.75
log["D2"].number_format = "[h]:mm"
log["E2"] = 1234.5
log["E2"].number_format = '"¥"#,##0.00'
wb.save(f"{out}/customers.xlsx")

mac = openpyxl.Workbook()
mac.epoch = CALENDAR_MAC_1904
ms = mac.active
ms.title = "项目"
ms.append(["项目", "开始"])
ms.append(["华东区", datetime.date(2024, 3, 5)])
ms.append(["纪元", datetime.date(1904, 1, 1)])
mac.save(f"{out}/mac1904.xlsx")
