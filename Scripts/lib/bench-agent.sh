#!/usr/bin/env bash
# Session-agent benchmark (Docs/PERFORMANCE.md, "The session agent"), side by side in one run:
# `customer show C1` on an archive of N customers (default 2,000, with 20,000 contact-log
# entries) at the calibrated KDF cost of this machine,
#   - with the password (`--password-file`: scrypt, then open and replay),
#   - through the agent after `salesvault unlock` (no KDF; the agent opens and replays),
#   - in the interactive shell (one unlock; per command: the time of S commands in one session
#     minus an empty session, divided by S).
# Run by `Scripts/bench --agent-only` and as part of a full `Scripts/bench`.
#   Scripts/lib/bench-agent.sh [--customers N] [--runs R]
set -euo pipefail
cd "$(dirname "$0")/../.."
source Scripts/lib/setup.sh

customers=2000
runs=10
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--customers N] [--runs R]" >&2; exit 2 ;;
  esac
done

ensure_swift
ensure_packages libssl-dev pkg-config
command -v python3 >/dev/null 2>&1 || ensure_packages python3

release_salesvault

repo="$PWD"
work="$(mktemp -d "${TMPDIR:-/tmp}/sv-bench-agent.XXXXXX")"
mkdir -m 0700 "$work/run"
export XDG_RUNTIME_DIR="$work/run" TZ=UTC
trap '"$bin" lock --all >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$work"
printf 'bench agent password 2026' > pw

# best NAME N CMD...: the best wall time (seconds) of N runs, in NAME.wall.
best() {
  local name="$1" n="$2"; shift 2
  python3 - "$name" "$n" "$@" <<'PY'
import subprocess, sys, time
name, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
best = None
for _ in range(n):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t = time.perf_counter() - t0
    if r.returncode != 0:
        sys.stderr.write(f"error: {name} failed: {cmd}\n{r.stderr.decode()}\n"); sys.exit(1)
    best = t if best is None else min(best, t)
open(name + ".wall", "w").write("%.4f" % best)
PY
}

echo "Generating $customers customers and $((customers * 10)) log entries (python3, fixed seed)…"
python3 "$repo/Scripts/lib/bench-interchange-gen.py" . --customers "$customers" --log $((customers * 10)) >/dev/null
"$bin" init a.svault --owner 张伟 --password-file pw >init.out 2>&1
grep -o 'scrypt cost 2^[0-9]*[^)]*)' init.out | head -n 1 > kdf.txt || true
"$bin" import customers.csv -a a.svault --password-file pw --yes >/dev/null
"$bin" import log.csv -a a.svault --password-file pw --yes >/dev/null

echo "customer show C1: with the password, through the agent, in the shell (best of $runs)…"
best password "$runs" "$bin" customer show C1 -a a.svault --password-file pw
"$bin" unlock a.svault --password-file pw --for 1h >/dev/null
best agent "$runs" "$bin" customer show C1 -a a.svault
SALESVAULT_DEBUG_KDF_COUNT=1 "$bin" customer show C1 -a a.svault 2>&1 >/dev/null | grep -q 'kdf-runs=0' \
  || { echo "error: the agent run used the KDF" >&2; exit 1; }
"$bin" lock --all >/dev/null
cmds=50
printf '' > empty.txt
for _ in $(seq "$cmds"); do echo "customer show C1"; done > shows.txt
best shell0 "$runs" sh -c "\"$bin\" shell a.svault --password-file pw < empty.txt"
best shellN "$runs" sh -c "\"$bin\" shell a.svault --password-file pw < shows.txt"
best status "$runs" "$bin" status a.svault

python3 - "$customers" "$cmds" "$(cat kdf.txt)" <<'PY'
import sys
n, cmds, kdf = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def w(name): return float(open(name + ".wall").read())
p, a, s0, sn, st = w("password"), w("agent"), w("shell0"), w("shellN"), w("status")
per_shell = (sn - s0) / cmds
print()
print(f"customer show C1 on {n:,} customers ({n * 10:,} log entries), {kdf}:")
print(f"  with the password (KDF + open)        {p * 1000:8.1f} ms")
print(f"  through the agent (no KDF)            {a * 1000:8.1f} ms   {p / a:5.1f}x faster than with the password")
print(f"  in the shell, per command             {per_shell * 1000:8.1f} ms   (session with {cmds} commands {sn:.2f} s, empty session {s0:.2f} s)")
print(f"  status (no password, process start)   {st * 1000:8.1f} ms")
print(f"  agent / shell per command             {a / per_shell if per_shell > 0 else float('inf'):5.1f}x")
PY
