#!/usr/bin/env bash
# Installs every emulator and server the tests need into $CLOUDHOP_TOOLS (default ~/.cache/cloudhop/tools),
# skipping what is already there. Each bin/lib/emulators/NAME.sh defines ensure_NAME and appends it to
# EMULATOR_SETUPS. Called by bin/test; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CLOUDHOP_TOOLS="${CLOUDHOP_TOOLS:-$HOME/.cache/cloudhop/tools}"
mkdir -p "$CLOUDHOP_TOOLS"
source bin/lib/setup.sh
EMULATOR_SETUPS=()
for f in bin/lib/emulators/*.sh; do
  [ -e "$f" ] || continue
  source "$f"
done
for setup in "${EMULATOR_SETUPS[@]}"; do
  t=$(date +%s)
  "$setup"
  echo "[install] $setup: $(( $(date +%s) - t )) s"
done
