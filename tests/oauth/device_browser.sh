#!/usr/bin/env bash
# $BROWSER for Latchkey's device-grant tests: confirms the code and gives consent in headless
# Chromium (see device_consent.mjs).
exec node "$(dirname "$0")/device_consent.mjs" "$@"
