# The independent checkers the tests and benchmarks compare Cloudhop's work with: rclone (check and copy of
# blob stores and directories: CorruptionDrillTest, ReconcileOnEmulatorsTest, FleetReplicationCrashTest,
# bin/bench replication). dig comes with BIND (onprem.sh). Sourced by bin/lib/install-emulators.sh; a Debian
# package, installed when missing.

ensure_checkers() {
  if ! command -v rclone >/dev/null 2>&1; then
    echo "installing the independent checker: rclone..."
    apt_install rclone
  fi
}

EMULATOR_SETUPS+=(ensure_checkers)
