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

