#!/usr/bin/env bash
# Encrypted-workbook benchmark (Docs/PERFORMANCE.md, "Encrypted workbooks"): `salesvault import`
# of a password-encrypted workbook (decrypted in memory) against msoffcrypto-tool decrypting the
# same file to disk plus the plain import of what it wrote, side by side in one run; and
# `export --encrypt` against the plain export, with msoffcrypto-tool opening our file.
# Run by `Scripts/bench --encrypted-workbook-only` and as part of a full `Scripts/bench`.
#   Scripts/lib/bench-encrypted-workbook.sh [--customers N]     (default 10,000; about a minute)
# The workbook: N customers written by openpyxl from the import benchmark's generator, encrypted
# by msoffcrypto-tool as Excel does (agile, AES-256, SHA-512, spin count 100,000). Archives use
# `--insecure-kdf-cost 10` (the archive's own KDF is not what is measured). Best of 3, each import
# into a fresh archive. Swift builds take $SV_BUILD_LOCK when it names one.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Scripts/lib/setup.sh

customers=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="$2"; shift 2 ;;
    *) echo "usage: $0 [--customers N]" >&2; exit 2 ;;
  esac
done

ensure_swift
ensure_packages libssl-dev zlib1g-dev pkg-config time
ensure_msoffcrypto

release_salesvault

repo="$PWD"
work="$(mktemp -d "${TMPDIR:-/tmp}/sv-bench-encrypted.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'bench-encrypted-password\n' > pw
printf '工作簿 密码 Bench 2026\n' > wpw

# run NAME CMD...: wall seconds and CPU seconds (user + system) of one run, in NAME.wall/NAME.cpu.
run() {
  local name="$1"; shift
  local t0 t1 u k
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%U %S' -o "$name.time" "$@" >"$name.out" 2>&1; then
    echo "error: $name failed: $*" >&2; tail -n 20 "$name.out" >&2; exit 1
  fi
  t1=$(date +%s%N)
  read -r u k <"$name.time"
  python3 -c "print('%.3f' % (($t1 - $t0) / 1e9)); print('%.2f' % ($u + $k), file=open('$name.cpu', 'w'))" >"$name.wall"
}
# best NAME N SETUP CMD...: the best wall time (and its CPU time) of N runs, SETUP (a shell
# command, untimed) before each.
best() {
  local name="$1" n="$2" setup="$3"; shift 3
  local b="" bc=""
  for _ in $(seq "$n"); do
    sh -c "$setup"
    run "$name" "$@"
    if [ -z "$b" ] || python3 -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$(cat "$name.wall")" "$b"; then
      b=$(cat "$name.wall"); bc=$(cat "$name.cpu")
    fi
  done
  echo "$b" >"$name.wall"; echo "$bc" >"$name.cpu"
}
expect() { grep -q -- "$2" "$1.out" || { echo "error: $1 did not mention $2:" >&2; tail -n 20 "$1.out" >&2; exit 1; }; }
fresh="rm -f a.svault && '$bin' init a.svault --owner 张伟 --password-file pw --insecure-kdf-cost 10 >/dev/null 2>&1"

echo "Writing $customers customers with openpyxl and encrypting them with msoffcrypto-tool…"
python3 "$repo/Scripts/lib/bench-interchange-gen.py" . --customers "$customers" --log 0 >/dev/null
python3 - <<'EOF'
import csv, openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("客户")
with open("customers.csv", encoding="utf-8-sig", newline="") as f:
    for row in csv.reader(f):
        ws.append(row)
wb.save("plain.xlsx")
EOF
python3 "$repo/Tests/InterchangeTests/Fixtures/xlsx/office_crypto.py" encrypt plain.xlsx enc.xlsx "$(head -n 1 wpw)"
cut -d' ' -f1-3 /proc/loadavg >load.start

cat >decrypt.py <<'EOF'
import sys, msoffcrypto
with open(sys.argv[1], "rb") as f, open(sys.argv[2], "wb") as out:
    office = msoffcrypto.OfficeFile(f)
    office.load_key(password=open(sys.argv[3], encoding="utf-8").readline().rstrip("\n"))
    office.decrypt(out, verify_integrity=True)
EOF

echo "Ours: import of the encrypted workbook (best of 3, a fresh archive each)…"
best ours 3 "$fresh" "$bin" import enc.xlsx -a a.svault --password-file pw --workbook-password-file wpw --yes
expect ours "$customers"
best ours_dry 3 "$fresh" "$bin" import enc.xlsx -a a.svault --password-file pw --workbook-password-file wpw --dry-run
echo "Reference: msoffcrypto-tool decrypts to a file, then the plain import of that file (best of 3 each)…"
best ms_decrypt 3 "rm -f dec.xlsx" python3 decrypt.py enc.xlsx dec.xlsx wpw
best plain 3 "$fresh" "$bin" import dec.xlsx -a a.svault --password-file pw --yes
expect plain "$customers"
best plain_dry 3 "$fresh" "$bin" import dec.xlsx -a a.svault --password-file pw --dry-run

echo "Export of the $customers customers: plain XLSX, --encrypt (spin count 500,000), and msoffcrypto-tool opening ours…"
sh -c "$fresh"; "$bin" import plain.xlsx -a a.svault --password-file pw --yes >/dev/null
best exp_plain 3 "rm -f out.xlsx" "$bin" export -a a.svault --password-file pw --kind customers --out out.xlsx
best exp_enc 3 "rm -f out-enc.xlsx" "$bin" export -a a.svault --password-file pw --kind customers --encrypt --workbook-password-file wpw --out out-enc.xlsx
best ms_ours 3 "rm -f out-dec.xlsx" python3 decrypt.py out-enc.xlsx out-dec.xlsx wpw
cut -d' ' -f1-3 /proc/loadavg >load.end

python3 - "$customers" <<'EOF'
import os, platform, sys, time
import importlib.metadata, msoffcrypto, openpyxl
n = int(sys.argv[1])
w = lambda k: float(open(k + ".wall").read())
c = lambda k: float(open(k + ".cpu").read())
size = lambda f: os.path.getsize(f) / 1e6
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print()
print("Encrypted workbooks, %s, %s CPU(s): %s; msoffcrypto-tool %s (Python %s), openpyxl %s" % (
    time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), cpu,
    importlib.metadata.version("msoffcrypto-tool"), platform.python_version(), openpyxl.__version__))
print("%d customers, openpyxl workbook %.2f MB, encrypted by msoffcrypto-tool %.2f MB (agile, AES-256, SHA-512, spin count 100,000)." % (
    n, size("plain.xlsx"), size("enc.xlsx")))
print("Wall times of whole commands, best of 3 (CPU = user + system of that run). Load average at the start %s, at the end %s." % (
    open("load.start").read().strip(), open("load.end").read().strip()))
print()
print("| measurement | SalesVault | reference (same run) | ratio |")
print("|---|---|---|---|")
ref = w("ms_decrypt") + w("plain")
print("| import the encrypted workbook (decrypt in memory, read, plan, save) | %.2f s (CPU %.2f s) | msoffcrypto-tool decrypt to disk %.2f s (CPU %.2f s) + plain import %.2f s (CPU %.2f s) = %.2f s | %.2f× the reference's time |" % (
    w("ours"), c("ours"), w("ms_decrypt"), c("ms_decrypt"), w("plain"), c("plain"), ref, w("ours") / ref))
print("| … its --dry-run, against the plain file's --dry-run (the difference is the decryption) | %.2f s (CPU %.2f s) | %.2f s (CPU %.2f s) | +%.2f s |" % (
    w("ours_dry"), c("ours_dry"), w("plain_dry"), c("plain_dry"), w("ours_dry") - w("plain_dry")))
print("| export %d customers --encrypt (spin count 500,000) | %.2f s (CPU %.2f s; %.2f MB) | plain XLSX export %.2f s (CPU %.2f s; %.2f MB) | +%.2f s |" % (
    n, w("exp_enc"), c("exp_enc"), size("out-enc.xlsx"), w("exp_plain"), c("exp_plain"), size("out.xlsx"), w("exp_enc") - w("exp_plain")))
print("| the recipient's side: msoffcrypto-tool opens our export (500,000 spins, HMAC checked) | - | %.2f s (CPU %.2f s) | - |" % (w("ms_ours"), c("ms_ours")))
print()
print("(The reference leaves a decrypted copy on disk, which SalesVault never does; msoffcrypto-tool hashes the")
print(" password in a Python loop over hashlib, SalesVault with one reused OpenSSL digest context.)")
EOF
