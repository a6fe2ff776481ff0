# AWS emulators for provider-aws's tests: LocalStack's open-source runtime 4.14.0 in host mode (no Docker)
# and moto server 5.x, each in its own Python venv under $CLOUDHOP_TOOLS (localstack/, moto/).
# Sourced by bin/lib/install-emulators.sh. The Java side (dev.cloudhop.testing.LocalStackServer and
# MotoServer) starts them on free loopback ports; see provider-aws/README.md.

# Pinned: LocalStack's last open-source release (later ones need an account token), and a moto 5.x; every
# dependency is held to the versions tested, by the constraints files in provider-aws/emulators/ (paths
# relative to the repository root, where install-emulators.sh runs). LocalStack 4.14.0 declares
# Python >= 3.10 but its code needs 3.13 (PEP 695 generics, threading.Lock as a type), and its loose
# requirements resolve to releases that break it (cbor2 6.x, pyOpenSSL 26.x, localstack-twisted 26.x).
CLOUDHOP_AWS_CONSTRAINTS_DIR="provider-aws/emulators"
CLOUDHOP_LOCALSTACK_REQS=("localstack-core[runtime]==4.14.0" -c "$CLOUDHOP_AWS_CONSTRAINTS_DIR/localstack-constraints.txt")
CLOUDHOP_MOTO_REQS=("moto[server]==5.1.22" -c "$CLOUDHOP_AWS_CONSTRAINTS_DIR/moto-constraints.txt")

# The Python 3.13 interpreter for LocalStack: $CLOUDHOP_LOCALSTACK_PYTHON, python3.13 on the PATH or
# under pyenv, or Debian's python3.13 where the release has it.
_aws_python313() {
  local candidates=("${CLOUDHOP_LOCALSTACK_PYTHON:-}" /usr/bin/python3.13 /usr/local/bin/python3.13)
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for p in "$root"/versions/3.13*/bin/python3.13; do candidates+=("$p"); done
  for p in "${candidates[@]}"; do
    if [ -n "$p" ] && [ -x "$p" ] && "$p" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then
      echo "$p"; return 0
    fi
  done
  if apt-cache policy python3.13 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt_install python3.13 python3.13-venv >&2 && { echo /usr/bin/python3.13; return 0; }
  fi
  return 1
}

# A venv whose marker is there but whose interpreter cannot import MODULE (an interrupted or concurrent
# install), or that was built from other constraints, is dropped, so that ensure_venv builds it again.
_aws_drop_stale_venv() {
  local dir="$CLOUDHOP_TOOLS/$1" module="$2" constraints="$3"
  local want
  want=$(sha256sum "$constraints" | cut -d' ' -f1)
  if [ -f "$dir/.installed" ] && ! "$dir/bin/python" -c "import $module" >/dev/null 2>&1; then
    echo "[aws] $dir is incomplete; reinstalling"
    rm -f "$dir/.installed"
  elif [ -f "$dir/.installed" ] && [ "$(cat "$dir/.constraints-sha256" 2>/dev/null)" != "$want" ]; then
    echo "[aws] $dir was built from other constraints; reinstalling"
    rm -f "$dir/.installed"
  fi
}

_aws_mark_constraints() {
  sha256sum "$2" | cut -d' ' -f1 > "$CLOUDHOP_TOOLS/$1/.constraints-sha256"
}

ensure_aws() {
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "installing python3-venv (for moto's venv)..."
    apt_install python3-venv python3-pip
  fi
  local py313
  if ! py313=$(_aws_python313); then
    echo "[aws] LocalStack 4.14.0 needs Python 3.13 and none was found (set CLOUDHOP_LOCALSTACK_PYTHON, or" \
         "install it with pyenv or from a Debian release that has python3.13)" >&2
    return 1
  fi
  mkdir -p "$CLOUDHOP_TOOLS"
  # Several checkouts may run the installer at once: one at a time, or one removes the other's venv.
  (
    flock -w 900 9 || { echo "[aws] timed out waiting for another AWS emulator install" >&2; exit 1; }
    _aws_drop_stale_venv localstack localstack.aws.app "$CLOUDHOP_AWS_CONSTRAINTS_DIR/localstack-constraints.txt"
    _aws_drop_stale_venv moto moto.server "$CLOUDHOP_AWS_CONSTRAINTS_DIR/moto-constraints.txt"
    # ensure_venv runs `python3 -m venv`: make that the 3.13 interpreter for LocalStack's venv.
    local shim
    shim=$(mktemp -d)
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$py313" > "$shim/python3"   # a script, not a link: the venv
    chmod +x "$shim/python3"                                          # must point at the real interpreter
    PATH="$shim:$PATH" ensure_venv localstack "${CLOUDHOP_LOCALSTACK_REQS[@]}"
    rm -rf "$shim"
    _aws_mark_constraints localstack "$CLOUDHOP_AWS_CONSTRAINTS_DIR/localstack-constraints.txt"
    ensure_venv moto "${CLOUDHOP_MOTO_REQS[@]}"
    _aws_mark_constraints moto "$CLOUDHOP_AWS_CONSTRAINTS_DIR/moto-constraints.txt"
  ) 9>"$CLOUDHOP_TOOLS/.aws-install.lock"
}

EMULATOR_SETUPS+=(ensure_aws)
