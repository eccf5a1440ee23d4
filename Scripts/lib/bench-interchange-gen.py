#!/usr/bin/env python3
"""Test data for Scripts/lib/bench-interchange.sh (deterministic: the same files for a seed).

  bench-interchange-gen.py OUTDIR [--customers N] [--log N] [--seed S]

Writes OUTDIR/customers.csv and OUTDIR/log.csv, UTF-8 with a BOM and CRLF line ends as Excel
writes CSV, with Chinese headers:
  customers.csv  客户名称,客户等级,统一社会信用代码,联系电话,行业,地区,地址,备注,下次跟进
                 (unique company names, unique phone numbers, a valid GB 32100-2015 credit code
                 on about a third of the rows, quoted commas, quotes and newlines in some notes)
  log.csv        日期,客户,方式,跟进内容  (dates like 2025-03-05 14:30, all in the past; each
                 row names one of the customers; no two rows with the same customer and time)
"""
import argparse
import csv
import os
import random

CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "天津", "长沙", "郑州", "济南",
          "青岛", "合肥", "福州", "厦门", "宁波", "无锡", "沈阳", "大连", "哈尔滨", "长春", "昆明", "南宁", "贵阳", "南昌", "太原",
          "石家庄", "兰州", "乌鲁木齐", "呼和浩特", "海口", "珠海", "佛山", "东莞", "温州", "烟台"]
TRADE = list("华信达通远恒泰瑞丰盛宏安康健鑫源博凯嘉明宇新诚天正德利兴隆宝润腾飞智云星海蓝金辉光中联合创誉卓越联邦同方")
INDUSTRY = [("科技", "信息技术"), ("软件", "信息技术"), ("电子", "制造业"), ("机械", "制造业"), ("化工", "化工"), ("医药", "医疗"),
            ("医疗器械", "医疗"), ("物流", "交通运输"), ("建设", "建筑业"), ("工程", "建筑业"), ("能源", "能源"), ("电力", "能源"),
            ("环保", "环保"), ("食品", "消费品"), ("纺织", "制造业"), ("教育", "教育"), ("传媒", "文化传媒"), ("网络", "信息技术"),
            ("通信", "通信"), ("汽车零部件", "汽车"), ("新材料", "制造业"), ("农业", "农业"), ("金属制品", "制造业"), ("仪器仪表", "制造业")]
SUFFIX = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "长江路", "黄河路", "科技园路", "高新大道", "创业路", "滨江大道", "世纪大道"]
NOTES = ["", "", "", "老客户,年度框架协议", "展会认识,对方案感兴趣", "需要报价单", "采购负责人换了,需重新拜访",
         '客户说:"明年预算增加"', "关注售后服务\n希望本地有人驻场", "竞争对手在跟进", "已发产品资料"]
METHODS = ["电话", "拜访", "微信", "邮件", "会议", "售前", "活动"]
TOPICS = ["介绍新产品", "跟进报价", "确认需求", "商务谈判", "回访使用情况", "邀请参加展会", "讨论技术方案", "催收合同款",
          "了解明年采购计划", "约定现场演示", "送样品", "解答技术问题"]
DETAILS = ["客户反馈积极", "需要再次沟通", "对价格有顾虑", "下周给答复", "已发送资料", "决策人出差", "要求提供案例",
           "预算待审批", "对交付周期有疑问", "同意安排演示"]

CC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(i, rnd):
    """A valid 统一社会信用代码 (GB 32100-2015), unique per i."""
    region = rnd.choice(["110000", "310000", "440100", "440300", "330100", "320100", "510100", "500000"])
    org = "%08d" % (10000000 + i)  # 8 digits of organisation code, unique per customer
    body = "91" + region + org + "X"  # 2 + 6 + 8 + 1 = 17
    s = sum(CC_ALPHABET.index(c) * w for c, w in zip(body, CC_WEIGHTS))
    return body + CC_ALPHABET[(31 - s % 31) % 31]


def company_names(n, rnd):
    seen = set()
    names = []
    while len(names) < n:
        city = rnd.choice(CITIES)
        trade = "".join(rnd.sample(TRADE, rnd.choice([2, 2, 3])))
        ind, sector = rnd.choice(INDUSTRY)
        core = city + trade + ind
        if core in seen:
            continue
        seen.add(core)
        names.append((core + rnd.choice(SUFFIX), city, sector))
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--log", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261130)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    names = company_names(a.customers, rnd)
    area = {"北京": "010", "上海": "021", "广州": "020", "深圳": "0755", "天津": "022", "重庆": "023", "成都": "028", "西安": "029"}

    with open(os.path.join(a.outdir, "customers.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["客户名称", "客户等级", "统一社会信用代码", "联系电话", "行业", "地区", "地址", "备注", "下次跟进"])
        for i, (name, city, sector) in enumerate(names):
            grade = rnd.choice("AABBBCCCCDDD")
            cc = credit_code(i, rnd) if rnd.random() < 0.33 else ""
            phone = "%s-%08d" % (area.get(city, "0571"), 60000000 + i)  # unique per customer
            addr = "%s市%s%d号" % (city, rnd.choice(STREETS), rnd.randint(1, 999))
            if rnd.random() < 0.1:
                addr += ",%d栋%d室" % (rnd.randint(1, 20), rnd.randint(101, 2808))
            nxt = "2027-%02d-%02d" % (rnd.randint(1, 12), rnd.randint(1, 28)) if rnd.random() < 0.5 else ""
            w.writerow([name, grade, cc, phone, sector, city, addr, rnd.choice(NOTES), nxt])

    with open(os.path.join(a.outdir, "log.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["日期", "客户", "方式", "跟进内容"])
        used = set()
        written = 0
        while written < a.log:
            c = rnd.randrange(a.customers)
            # minutes from 2023-01-01 00:00 over three years: always in the past
            minute = rnd.randrange(3 * 365 * 24 * 60)
            if (c, minute) in used:
                continue
            used.add((c, minute))
            day, m = divmod(minute, 24 * 60)
            y, doy = 2023 + day // 365, day % 365
            month_len = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            mo = 0
            while doy >= month_len[mo]:
                doy -= month_len[mo]
                mo += 1
            at = "%04d-%02d-%02d %02d:%02d" % (y, mo + 1, doy + 1, m // 60, m % 60)
            text = "%s,%s" % (rnd.choice(TOPICS), rnd.choice(DETAILS))
            w.writerow([at, names[c][0], rnd.choice(METHODS), text])
            written += 1


if __name__ == "__main__":
    main()
