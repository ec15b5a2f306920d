#!/usr/bin/env bash
# Sets everything up and starts FUSION Desk on its embedded simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fusion-desk/target}"

npm --prefix ui run build
# The app, fdesk and the bundled fusion-sim land side by side; the app finds
# its simulator next to itself.
cargo build --release --bins -p fusion-desk -p fdesk -p fusion-sim
app="$CARGO_TARGET_DIR/release/fusion-desk"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting FUSION Desk on a virtual one (xvfb-run)."
  exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
