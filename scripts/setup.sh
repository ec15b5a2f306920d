#!/usr/bin/env bash
# Installs whatever FUSION Desk needs and is missing on a Debian 12 machine:
# system packages, cargo tools and the npm packages of the UI and the
# end-to-end suite. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fusion-desk/target}"

SYSTEM_PACKAGES=(
  # Tauri / WebKitGTK build and runtime
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev libxdo-dev libssl-dev build-essential pkg-config
  # a display for the real-window tests, WebKit's WebDriver, screenshots
  xvfb xauth webkit2gtk-driver imagemagick xdotool
  # opening files in the system's applications; inspecting the database in tests
  xdg-utils sqlite3
  # a real single-node Slurm on loopback for the cluster executor's tests
  slurmctld slurmd slurm-client munge
  # its accounting (sacct), for the tests of jobs the controller has forgotten
  slurmdbd mariadb-server
  # an OpenSSH login node on loopback and file staging for the remote-cluster transport's tests
  # (tcsh: a cluster account whose login shell is not a POSIX one)
  openssh-server openssh-client rsync tcsh
  # a private session bus for the desktop-notification test
  dbus-daemon
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust from https://rustup.rs" >&2; exit 1; }
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest"
  cargo install --locked cargo-nextest
fi
if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install --locked tauri-driver@^2
fi

command -v npm >/dev/null || { echo "setup: npm not found; install Node.js 20 or later" >&2; exit 1; }
for dir in ui tests/e2e; do
  # npm ci only when the lock file changed since the last install.
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: installing npm packages in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done
