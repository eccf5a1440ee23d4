# Shared set-up for the Scripts/ entry points: makes sure the machine has what SalesVault needs.
# Sourced, not run. Installs missing Debian packages (needs root, as on the project's machines).

# The Swift toolchain: on PATH, or in the usual /opt/swift location.
ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
      if [ -x "$dir/swift" ]; then export PATH="$dir:$PATH"; break; fi
    done
  fi
  if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (swift 6) is not installed or not on PATH" >&2
    echo "hint: install Swift 6 from swift.org and add its usr/bin to PATH" >&2
    exit 1
  fi
}

# Debian packages: installs only what is missing (apt-get update once, first).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}


# Python 3 with openpyxl: the XLSX tests write workbooks with it and read ours back.
# pip first (a current openpyxl); where pip may not install system-wide (Debian's python3,
# PEP 668), the Debian package python3-openpyxl instead.
ensure_openpyxl() {
  command -v python3 >/dev/null 2>&1 || ensure_packages python3
  python3 -c "import openpyxl" >/dev/null 2>&1 && return 0
  echo "Installing openpyxl"
  python3 -m pip install --quiet openpyxl >/dev/null 2>&1 || ensure_packages python3-openpyxl
  python3 -c "import openpyxl" >/dev/null 2>&1 || {
    echo "error: could not install openpyxl for python3" >&2
    echo "hint: run 'python3 -m pip install openpyxl' or 'apt-get install python3-openpyxl'" >&2
    return 1
  }
}

# icalendar: the reminder test reads the calendar file SalesVault writes with a real iCalendar
# parser (a zone with summer time). PyPI, or Debian's python3-icalendar.
ensure_icalendar() {
  command -v python3 >/dev/null 2>&1 || ensure_packages python3
  python3 -c "import icalendar" >/dev/null 2>&1 && return 0
  echo "Installing icalendar"
  python3 -m pip install --quiet icalendar >/dev/null 2>&1 \
    || python3 -m pip install --quiet --break-system-packages icalendar >/dev/null 2>&1 \
    || ensure_packages python3-icalendar
  python3 -c "import icalendar" >/dev/null 2>&1 || {
    echo "error: could not install icalendar for python3" >&2
    echo "hint: run 'python3 -m pip install icalendar' or 'apt-get install python3-icalendar'" >&2
    return 1
  }
}

# LibreOffice without a GUI (soffice --headless): the XLSX tests convert with it both ways.
# Debian 12's libreoffice-calc-nogui, without recommends (no desktop, no Java).
ensure_libreoffice() {
  command -v soffice >/dev/null 2>&1 && return 0
  echo "Installing LibreOffice Calc (headless)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
}

# Headless Chromium and a CJK font: the weekly-report test renders the HTML report to a PNG and
# looks for its highlight colours in the pixels (the font only makes the Chinese readable in the
# kept screenshot).
ensure_chromium() {
  ensure_packages chromium fonts-wqy-microhei
}

# msoffcrypto-tool: the encrypted-workbook tests encrypt openpyxl workbooks with it (agile
# encryption) and decrypt ours. PyPI only (Debian 12 has no package), like openpyxl's pip path;
# where pip may not install system-wide (PEP 668) it is told it may, for this one package.
ensure_msoffcrypto() {
  ensure_openpyxl || return 1
  python3 -c "import msoffcrypto" >/dev/null 2>&1 && return 0
  echo "Installing msoffcrypto-tool"
  python3 -m pip install --quiet msoffcrypto-tool >/dev/null 2>&1 \
    || python3 -m pip install --quiet --break-system-packages msoffcrypto-tool >/dev/null 2>&1
  python3 -c "import msoffcrypto" >/dev/null 2>&1 || {
    echo "error: could not install msoffcrypto-tool for python3" >&2
    echo "hint: run 'python3 -m pip install msoffcrypto-tool'" >&2
    return 1
  }
}

# LibreOffice's Python bridge (Debian's python3-uno, for /usr/bin/python3): the tests save
# workbooks with a password and open ours with one through it, which soffice --convert-to cannot.
ensure_libreoffice_uno() {
  ensure_libreoffice
  /usr/bin/python3 -c "import uno" >/dev/null 2>&1 && return 0
  ensure_packages python3-uno
}

# The benchmarks' release build of salesvault: under the shared build lock when $SV_BUILD_LOCK
# names one (and flock(1) is there), its last line shown, its log on failure; sets $bin.
release_salesvault() {
  local lock="${SV_BUILD_LOCK:-}" build_log
  locked() { if [ -n "$lock" ] && command -v flock >/dev/null 2>&1; then flock "$lock" "$@"; else "$@"; fi; }
  build_log="$(mktemp)"
  if ! locked swift build -c release --static-swift-stdlib --product salesvault >"$build_log" 2>&1; then
    tail -n 30 "$build_log" >&2; rm -f "$build_log"; echo "error: the release build failed" >&2; exit 1
  fi
  tail -n 1 "$build_log"; rm -f "$build_log"
  bin="$(locked swift build -c release --static-swift-stdlib --show-bin-path)/salesvault"
}
