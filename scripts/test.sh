#!/usr/bin/env bash
# Sets everything up and runs every test: formatting and lints, the Rust
# suites (unit, lifecycle, crash, simulator), the UI's component tests and
# the real-window end-to-end suite under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fusion-desk/target}"
step() { printf '\n==> %s\n' "$*"; }

step "rustfmt"
cargo fmt --all -- --check

step "UI: typecheck, component tests, build"
npm --prefix ui run typecheck
npm --prefix ui test
npm --prefix ui run build

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "build the binaries the tests drive"
cargo build --workspace --bins

step "Rust tests"
cargo nextest run --workspace --no-fail-fast

step "real-window end-to-end (Xvfb, tauri-driver, WebKitWebDriver)"
E2E_APP="$CARGO_TARGET_DIR/debug/fusion-desk" xvfb-run -a --server-args="-screen 0 1400x900x24" \
  npm --prefix tests/e2e test
