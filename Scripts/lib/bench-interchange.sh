#!/usr/bin/env bash
# Import and export benchmark (Docs/PERFORMANCE.md, "Import and export"): `salesvault import`
# and `salesvault export` against sqlite3 and openpyxl on the same files, side by side in one run.
# Run by `Scripts/bench --interchange-only` and as part of a full `Scripts/bench`.
#   Scripts/lib/bench-interchange.sh [--customers N] [--log N] [--log-dry-run] [--profile]
# Defaults: 100,000 customers and 1,000,000 contact-log rows (about 15 MB and 100 MB of CSV);
# 5–9 minutes on the project's 2-core machine, depending on its load (3–5 more with
# --log-dry-run, which also times the log import's dry run; the customers' one is always timed).
# --profile also records `perf` (cpu-clock, call graphs) of the customer import's dry run and
# prints the hottest functions.
# Archives use `--insecure-kdf-cost 10` on purpose: the KDF (about 1 s per unlock at the real
# cost) is the same for every command and would only blur the import and export figures.
# Swift builds take a shared build lock when $SV_BUILD_LOCK names one (and flock(1) is there);
# benchmarks run without it.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Scripts/lib/setup.sh

customers=100000
log=1000000
profile=0
log_dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --profile) profile=1; shift ;;
    --log-dry-run) log_dry=1; shift ;;
    *) echo "usage: $0 [--customers N] [--log N] [--log-dry-run] [--profile]" >&2; exit 2 ;;
  esac
done

ensure_swift
ensure_packages libssl-dev zlib1g-dev pkg-config sqlite3 time
command -v python3 >/dev/null 2>&1 || ensure_packages python3
if ! python3 -c 'import openpyxl' 2>/dev/null; then
  python3 -m pip install --quiet openpyxl 2>/dev/null || ensure_packages python3-openpyxl
  python3 -c 'import openpyxl' || { echo "error: cannot install openpyxl for $(command -v python3)" >&2; exit 1; }
fi
[ "$profile" = 1 ] && ! command -v perf >/dev/null 2>&1 && ensure_packages linux-perf

release_salesvault

repo="$PWD"
work="$(mktemp -d "${TMPDIR:-/tmp}/sv-bench-interchange.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'bench-interchange-password' > pw

# run NAME CMD...: wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one run, in
# NAME.wall, NAME.cpu and NAME.rss; the command's output in NAME.out (shown and fatal when it fails).
# Written data is flushed first (sync, outside the clock): the files just generated or copied
# would otherwise be written back to disk while the next command runs and fsyncs.
run() {
  local name="$1"; shift
  local t0 t1 e r u k
  sync
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%e %M %U %S' -o "$name.time" "$@" >"$name.out" 2>&1; then
    echo "error: $name failed: $*" >&2; tail -n 20 "$name.out" >&2; exit 1
  fi
  t1=$(date +%s%N)
  read -r e r u k <"$name.time"
  python3 -c "print('%.3f' % max(($t1 - $t0) / 1e9, 0.001)); print('%.2f' % ($u + $k), file=open('$name.cpu', 'w'))" >"$name.wall"
  echo "$r" >"$name.rss"
}
# best NAME N CMD...: the best wall time of N runs (CPU time and peak RSS of the last).
best() {
  local name="$1" n="$2"; shift 2
  local b=""
  for _ in $(seq "$n"); do
    run "$name" "$@"
    b=$(python3 -c "import sys; a=sys.argv[1]; w=float(sys.argv[2]); print(w if a=='' else min(float(a), w))" "$b" "$(cat "$name.wall")")
  done
  echo "$b" >"$name.wall"
}
# best_on NAME N SEED CMD...: best_of N runs of CMD, each on a.svault freshly copied from SEED
# (the copy outside the clock): an import is measured as sqlite3's is, best of 3 from the same
# starting point.
best_on() {
  local name="$1" n="$2" seed="$3"; shift 3
  local b=""
  for _ in $(seq "$n"); do
    cp -f "$seed" a.svault
    run "$name" "$@"
    b=$(python3 -c "import sys; a=sys.argv[1]; w=float(sys.argv[2]); print(w if a=='' else min(float(a), w))" "$b" "$(cat "$name.wall")")
  done
  echo "$b" >"$name.wall"
}
size() { stat -c %s "$1"; }
# expect NAME TEXT: NAME's output mentions TEXT (a count), or the run is not what was meant.
expect() { grep -q -- "$2" "$1.out" || { echo "error: $1 did not mention $2:" >&2; tail -n 20 "$1.out" >&2; exit 1; }; }

echo "Generating $customers customers and $log contact-log rows (python3, fixed seed)…"
python3 "$repo/Scripts/lib/bench-interchange-gen.py" . --customers "$customers" --log "$log"
cust_bytes=$(size customers.csv); log_bytes=$(size log.csv)
cut -d' ' -f1-3 /proc/loadavg >load.start

"$bin" init a.svault --owner 张伟 --password-file pw --insecure-kdf-cost 10 >/dev/null 2>&1

echo "Importing the customers (dry run, then for real), then the contact log into the same archive (best of 3, each from the same archive)…"
cp a.svault empty.svault
best_on imp_cust_dry 3 empty.svault "$bin" import customers.csv -a a.svault --password-file pw --dry-run
expect imp_cust_dry "$customers"
best_on imp_cust 3 empty.svault "$bin" import customers.csv -a a.svault --password-file pw --yes
expect imp_cust "$customers"
cp a.svault customers.svault
if [ "$log_dry" = 1 ]; then
  best_on imp_log_dry 3 customers.svault "$bin" import log.csv -a a.svault --password-file pw --dry-run
  expect imp_log_dry "$log"
fi
best_on imp_log 3 customers.svault "$bin" import log.csv -a a.svault --password-file pw --yes
expect imp_log "$log"
archive_bytes=$(size a.svault)
cp a.svault full.svault

echo "Every customer updated by an import (the industry column changed), then that import undone (best of 3)…"
python3 - <<'EOF2'
import csv
with open("customers.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
col = rows[0].index("行业")
with open("update.csv", "w", encoding="utf-8-sig", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for r in rows[1:]:
        r[col] = r[col] + "（重新归类）"
        w.writerow(r)
EOF2
best_on imp_upd 3 customers.svault "$bin" import update.csv -a a.svault --password-file pw --yes --on-duplicate update --lang en
expect imp_upd "$customers updated"
cp a.svault updated.svault
upd_batch=$(grep -o 'saved as B[0-9]*' imp_upd.out | head -n 1 | cut -d' ' -f3)
[ -n "$upd_batch" ] || { echo "error: imp_upd did not say its batch:" >&2; tail -n 5 imp_upd.out >&2; exit 1; }
best_on undo_upd 3 updated.svault "$bin" undo "$upd_batch" -a a.svault --password-file pw --lang en
expect undo_upd "$customers changes"
cp full.svault a.svault

echo "sqlite3 .import --csv of the same files into a new database file (best of 3)…"
best sq_cust 3 sh -c 'rm -f s.db && sqlite3 s.db ".import --csv customers.csv customers"'
best sq_log 3 sh -c 'rm -f l.db && sqlite3 l.db ".import --csv log.csv log"'
rm -f l.db

echo "Exports of the customers (best of 3): ours to CSV and XLSX, sqlite3 -csv, openpyxl write-only…"
best exp_csv 3 "$bin" export -a a.svault --password-file pw --format csv --kind customers --out out.csv --force
expect exp_csv "$customers"
python3 -c "import csv,sys; n=sum(1 for _ in csv.reader(open('out.csv', encoding='utf-8-sig', newline='')))-1; sys.exit(n != $customers)" \
  || { echo "error: out.csv does not hold $customers customers" >&2; exit 1; }
best sq_csv 3 sh -c 'sqlite3 -header -csv s.db "select * from customers" > sq.csv'
best exp_xlsx 3 "$bin" export -a a.svault --password-file pw --format xlsx --kind customers --out out.xlsx --force
expect exp_xlsx "$customers"
# openpyxl writes the same rows and columns (read from our CSV export before the clock starts):
# text as text, the date column as dates, one sheet with a header row.
cat >openpyxl_write.py <<'EOF'
import csv, datetime, re, sys, time
from openpyxl import Workbook
with open("out.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, data = rows[0], rows[1:]
day = re.compile(r"^\d{4}-\d{2}-\d{2}$")
dates = [i for i in range(len(header)) if any(day.match(r[i]) for r in data[:1000])]
for r in data:
    for i in dates:
        if r[i]:
            r[i] = datetime.date.fromisoformat(r[i])
t = time.perf_counter()
wb = Workbook(write_only=True)
ws = wb.create_sheet("客户")
ws.append(header)
for r in data:
    ws.append([v if v != "" else None for v in r])
wb.save(sys.argv[1])
print("%.3f %d %d" % (time.perf_counter() - t, len(data), len(header)))
EOF
py_best=""
for _ in 1 2 3; do
  run py_xlsx python3 openpyxl_write.py py.xlsx
  read -r t py_rows py_cols <py_xlsx.out
  py_best=$(python3 -c "import sys; a=sys.argv[1]; w=float(sys.argv[2]); print(w if a=='' else min(float(a), w))" "$py_best" "$t")
done
echo "$py_best" >py_write.wall

cut -d' ' -f1-3 /proc/loadavg >load.end
prof=""
if [ "$profile" = 1 ]; then
  echo "Profiling the customer import's dry run (perf record -e cpu-clock -g)…"
  "$bin" init p.svault --owner 张伟 --password-file pw --insecure-kdf-cost 10 >/dev/null 2>&1
  perf record -q -e cpu-clock -F 499 -g -o perf.data "$bin" import customers.csv -a p.svault --password-file pw --dry-run >/dev/null 2>&1 || true
  perf report -i perf.data --children --sort symbol --stdio -g none >perf.txt 2>/dev/null || true
  prof=$(grep '%' perf.txt | swift demangle --simplified | sed 's/ *$//' \
    | grep -Ev 'SalesVault.main|__libc_start|salesvault_main|VaultCommand.run|ArchiveContext.run|ParsableCommand.run|Import.run|Import.execute' \
    | sed -n '1,30p' | cut -c1-150 || true)
fi

python3 - "$customers" "$log" "$cust_bytes" "$log_bytes" "$archive_bytes" "$py_rows" "$py_cols" <<'EOF'
import os, platform, subprocess, sys, time
customers, log, cust_bytes, log_bytes, archive_bytes, py_rows, py_cols = map(int, sys.argv[1:])
w = lambda n: float(open(n + ".wall").read())
cpu_s = lambda n: float(open(n + ".cpu").read())
mib = lambda n: round(int(open(n + ".rss").read()) / 1024)
MB = 1e6
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
sq_ver = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
import openpyxl
print()
print("Import and export, %s, %s CPU(s): %s; sqlite3 %s, openpyxl %s, Python %s" % (
    time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), cpu, sq_ver, openpyxl.__version__, platform.python_version()))
print("Archives at --insecure-kdf-cost 10: the KDF (about 1 s per unlock at the real cost) is left out on purpose.")
print("Wall times of whole commands (process start, unlock, read, plan, encrypt, fsync), CPU = user + system;")
print("MB = 10^6 bytes of the input file. Load average at the start %s, at the end %s (other work on the machine" % (
    open("load.start").read().strip(), open("load.end").read().strip()))
print("slows both sides; compare the CPU times when it was high).")
rows = []
def imp(label, ours, ref, nbytes):
    o, r = w(ours), w(ref)
    rows.append((label, "%.2f s (CPU %.2f s), %.2f MB/s, peak RSS %d MiB" % (o, cpu_s(ours), nbytes / MB / o, mib(ours)),
                 "sqlite3: %.2f s (CPU %.2f s), %.1f MB/s" % (r, cpu_s(ref), nbytes / MB / r), "%.3f×" % ((nbytes / o) / (nbytes / r)), "≥ 0.7×"))
imp("import %d customers (%.1f MB CSV), one change set" % (customers, cust_bytes / MB), "imp_cust", "sq_cust", cust_bytes)
rows.append(("… its --dry-run (read, check, plan; nothing written)", "%.2f s (CPU %.2f s), peak RSS %d MiB" % (w("imp_cust_dry"), cpu_s("imp_cust_dry"), mib("imp_cust_dry")), "-", "-", "-"))
imp("import %d log rows (%.1f MB CSV) into that archive" % (log, log_bytes / MB), "imp_log", "sq_log", log_bytes)
if os.path.exists("imp_log_dry.wall"):
    rows.append(("… its --dry-run", "%.2f s (CPU %.2f s), peak RSS %d MiB" % (w("imp_log_dry"), cpu_s("imp_log_dry"), mib("imp_log_dry")), "-", "-", "-"))
rows.append(("undo of an import that updated all %d customers" % customers, "%.2f s (CPU %.2f s), peak RSS %d MiB" % (w("undo_upd"), cpu_s("undo_upd"), mib("undo_upd")),
             "that import: %.2f s (CPU %.2f s)" % (w("imp_upd"), cpu_s("imp_upd")), "%.2f× the import's time" % (w("undo_upd") / w("imp_upd")), "-"))
csv_bytes, sq_bytes, x_bytes, px_bytes = (os.path.getsize(f) for f in ("out.csv", "sq.csv", "out.xlsx", "py.xlsx"))
rows.append(("export %d customers to CSV" % customers, "%.2f s (CPU %.2f s; %.1f MB), peak RSS %d MiB" % (w("exp_csv"), cpu_s("exp_csv"), csv_bytes / MB, mib("exp_csv")),
             "sqlite3 -csv: %.2f s (CPU %.2f s; %.1f MB)" % (w("sq_csv"), cpu_s("sq_csv"), sq_bytes / MB), "%.2f× sqlite's time" % (w("exp_csv") / w("sq_csv")), "-"))
rows.append(("export %d customers to XLSX" % customers, "%.2f s (CPU %.2f s; %.1f MB), peak RSS %d MiB" % (w("exp_xlsx"), cpu_s("exp_xlsx"), x_bytes / MB, mib("exp_xlsx")),
             "openpyxl write-only: %.2f s writing (%.1f MB; %.2f s whole process)" % (w("py_write"), px_bytes / MB, w("py_xlsx")),
             "%.2f× openpyxl's time" % (w("exp_xlsx") / w("py_write")), "-"))
print()
print("| measurement | SalesVault | reference (same run) | ratio | target |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("archive after both imports: %.1f MB; openpyxl wrote %d rows × %d columns; every figure: best of 3 (each import from the same archive)"
      % (archive_bytes / MB, py_rows, py_cols))
print("(sqlite3: .import --csv into a new on-disk file, one transaction, default journal and synchronous=FULL; it resolves no")
print(" references and checks nothing. Our export writes 0600 with fsync and records the export in the archive; sqlite3's")
print(" output is a shell redirect without fsync.)")
EOF
if [ -n "$prof" ]; then
  echo
  echo "Hottest functions of the customer import's dry run (inclusive, perf cpu-clock):"
  echo "$prof"
fi
