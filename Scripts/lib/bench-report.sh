#!/usr/bin/env bash
# Weekly-report benchmark (Docs/PERFORMANCE.md, "The weekly report"), side by side in one run:
#   - `report weekly` (XLSX and HTML) on an archive of N customers (default 100,000) with a week of
#     M changes (default 10,000: one import updating M customers), against `export --kind
#     customers` of the same archive to XLSX (the same rows written once) and a command that only
#     opens the archive (the unlock and replay every command pays, the KDF at the testing cost);
#   - `report department` over R sealed reports (default 50) against `age -d` of the same R
#     summaries (the decryption alone).
# Run by `Scripts/bench --report-only` and as part of a full `Scripts/bench`.
#   Scripts/lib/bench-report.sh [--customers N] [--changes M] [--reports R]
set -euo pipefail
cd "$(dirname "$0")/../.."
source Scripts/lib/setup.sh

customers=100000
changes=10000
reports=50
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="$2"; shift 2 ;;
    --changes) changes="$2"; shift 2 ;;
    --reports) reports="$2"; shift 2 ;;
    *) echo "usage: $0 [--customers N] [--changes M] [--reports R]" >&2; exit 2 ;;
  esac
done

ensure_swift
ensure_packages libssl-dev zlib1g-dev pkg-config age time
command -v python3 >/dev/null 2>&1 || ensure_packages python3

release_salesvault

repo="$PWD"
work="$(mktemp -d "${TMPDIR:-/tmp}/sv-bench-report.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'bench-report-password' > pw
export TZ=UTC

# best NAME N CMD...: the best wall time (seconds) of N runs in NAME.wall, peak RSS (KiB) in NAME.rss.
best() {
  local name="$1" n="$2"; shift 2
  local b="" t0 t1 w e r
  for _ in $(seq "$n"); do
    t0=$(date +%s%N)
    if ! /usr/bin/time -f '%e %M' -o "$name.time" "$@" >"$name.out" 2>&1; then
      echo "error: $name failed: $*" >&2; tail -n 20 "$name.out" >&2; exit 1
    fi
    t1=$(date +%s%N)
    read -r e r <"$name.time"
    w=$(python3 -c "print('%.3f' % (($t1 - $t0) / 1e9))")
    b=$(python3 -c "import sys; a=sys.argv[1]; w=float(sys.argv[2]); print(w if a=='' else min(float(a), w))" "$b" "$w")
    echo "$r" >"$name.rss"
  done
  echo "$b" >"$name.wall"
}
at() { SALESVAULT_TESTING=1 SALESVAULT_NOW="$1" "${@:2}"; }
# 2026-W48: Monday 2026-11-23 00:00 in Shanghai is 1795363200; the week before starts 7 days earlier.
last_week=$((1795363200 - 5 * 86400))
this_week=$((1795363200 + 2 * 86400 + 3600))
friday=$((1795363200 + 4 * 86400 + 7200))

echo "Generating $customers customers (python3, fixed seed) and a week of $changes updates…"
python3 "$repo/Scripts/lib/bench-interchange-gen.py" . --customers "$customers" --log 0 >/dev/null
python3 - "$changes" <<'EOF'
import csv, sys
n = int(sys.argv[1])
with open("customers.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, data = rows[0], rows[1:n + 1]
note = header.index("备注")
with open("week.csv", "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for i, r in enumerate(data):
        r[note] = "本周拜访,更新需求 %d" % i
        w.writerow(r)
EOF
at $last_week "$bin" init a.svault --owner 张伟 --password-file pw --insecure-kdf-cost 10 >/dev/null 2>&1
at $last_week "$bin" import customers.csv -a a.svault --password-file pw --yes >/dev/null
at $this_week "$bin" import week.csv -a a.svault --password-file pw --yes --on-duplicate update >week.out
grep -q "$changes" week.out || { echo "error: the week's import did not update $changes customers" >&2; cat week.out >&2; exit 1; }

echo "The weekly report (XLSX, HTML) against an XLSX export of the same customers and a bare open (best of 3)…"
best open 3 env SALESVAULT_TESTING=1 SALESVAULT_NOW=$friday "$bin" customer show C1 -a a.svault --password-file pw
best rep_xlsx 3 env SALESVAULT_TESTING=1 SALESVAULT_NOW=$friday "$bin" report weekly --week 2026-W48 --no-prompt --format xlsx --out r.xlsx --force -a a.svault --password-file pw
best rep_html 3 env SALESVAULT_TESTING=1 SALESVAULT_NOW=$friday "$bin" report weekly --week 2026-W48 --no-prompt --format html --out r.html --force -a a.svault --password-file pw
best exp_xlsx 3 env SALESVAULT_TESTING=1 SALESVAULT_NOW=$friday "$bin" export --kind customers --format xlsx --out e.xlsx --force -a a.svault --password-file pw
marked=$(grep -o 'class="changed"' r.html | wc -l)

echo "A department of $reports salespeople, each submitting a sealed report; the view against age -d of the summaries…"
printf 'bench admin passphrase' > ap
printf 'bench gm passphrase' > gp
at $last_week "$bin" dept init D --name 基准部门 --admin-key admin.key --admin-passphrase-file ap --insecure-kdf-cost 10 >/dev/null
age-keygen -o gm.txt 2>/dev/null
at $last_week "$bin" dept add-manager D 王总 --recipient "$(age-keygen -y gm.txt)" --role 总经理 --admin-key admin.key --admin-passphrase-file ap >/dev/null
at $last_week "$bin" dept policy D --min-kdf-cost 10 --admin-key admin.key --admin-passphrase-file ap >/dev/null
fingerprint=$("$bin" --lang en keys show admin.key --passphrase-file ap | sed -n 's/^Fingerprint: *//p')
for i in $(seq "$reports"); do
  p="销售$i"
  at $last_week "$bin" dept add-salesperson D "$p" --admin-key admin.key --admin-passphrase-file ap >/dev/null
  at $last_week "$bin" init --department D --owner "$p" --password-file pw --insecure-kdf-cost 10 --admin-fingerprint "$fingerprint" >/dev/null 2>&1
  for c in 1 2 3 4 5; do at $this_week "$bin" customer add "客户$i-$c" --grade B -a "D/archives/$p.svault" --password-file pw >/dev/null 2>&1; done
  at $friday "$bin" report submit --week 2026-W48 --no-prompt -a "D/archives/$p.svault" --password-file pw >/dev/null 2>&1
done
best dept_view 3 env SALESVAULT_TESTING=1 SALESVAULT_NOW=$((friday + 86400)) "$bin" report department D --week 2026-W48 --identity gm.txt
grep -q "合计（$reports 份周报）\|Total ($reports reports)" dept_view.out || { echo "error: the view did not open $reports reports" >&2; tail -n 30 dept_view.out >&2; exit 1; }
best age_d 3 sh -c 'for f in D/reports/2026-W48/*.json.age; do age -d -i gm.txt "$f" >/dev/null; done'

python3 - "$customers" "$changes" "$reports" "$marked" <<'EOF'
import sys
n, m, r, marked = sys.argv[1:5]
def w(name): return float(open(name + ".wall").read())
def rss(name): return int(open(name + ".rss").read()) // 1024
o = w("open")
print()
print(f"Weekly report on {int(n):,} customers with a week of {int(m):,} updates ({marked} changed cells marked in the HTML):")
print(f"  open the archive (customer show C1)    {o:7.2f} s  {rss('open'):5d} MiB")
for k, label in [("rep_xlsx", "report weekly --format xlsx"), ("rep_html", "report weekly --format html"), ("exp_xlsx", "export --kind customers (xlsx)")]:
    print(f"  {label:38s} {w(k):7.2f} s  {rss(k):5d} MiB   after the open: {w(k) - o:5.2f} s")
print(f"  ratio report xlsx / export xlsx         {w('rep_xlsx') / w('exp_xlsx'):.2f}x")
print(f"Department view over {r} sealed reports:")
print(f"  report department                       {w('dept_view'):7.2f} s  {rss('dept_view'):5d} MiB")
print(f"  age -d of the {r} summaries               {w('age_d'):7.2f} s")
print(f"  ratio view / age -d                     {w('dept_view') / w('age_d'):.2f}x")
EOF
