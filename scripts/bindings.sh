#!/usr/bin/env bash
# Regenerates the TypeScript bindings in ui/src/bindings/ from the Rust types (ts-rs).
# The test suite fails while the committed files differ from what this writes.
set -euo pipefail
cd "$(dirname "$0")/.."
LATCHKEY_UPDATE_BINDINGS=1 cargo test --workspace --locked bindings
