#!/usr/bin/env bash
# $BROWSER for Latchkey's OAuth tests: gives consent in headless Chromium (see consent.mjs).
exec node "$(dirname "$0")/consent.mjs" "$@"
