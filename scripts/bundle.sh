#!/usr/bin/env bash
# Builds the Debian package of FUSION Desk: the app, with fdesk and the
# embedded fusion-sim installed beside it in /usr/bin (the app looks for its
# simulator next to its own binary).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fusion-desk/target}"
npm --prefix ui run build
cargo build --release -p fdesk -p fusion-sim
release="$CARGO_TARGET_DIR/release"
# The UI is built above: the CLI would otherwise run the config's
# beforeBuildCommand from the first folder with a package.json it finds.
extra=$(printf '{"build":{"beforeBuildCommand":"true"},"bundle":{"linux":{"deb":{"files":{"/usr/bin/fusion-sim":"%s","/usr/bin/fdesk":"%s"}}}}}' \
  "$release/fusion-sim" "$release/fdesk")
npx --yes @tauri-apps/cli@2 build --bundles deb --config "$extra"
ls "$release"/bundle/deb/*.deb
