# Shared set-up for bin/test and bin/demo: install the toolchain when it is missing.
# Sourced, not executed.

apt_install() {
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

ensure_java_and_maven() {
  if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])'; then
    echo "installing a JDK 17..."
    apt_install openjdk-17-jdk-headless
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "installing Maven..."
    apt_install maven
  fi
}

# A Python virtual environment under $CLOUDHOP_TOOLS/NAME with the given pip requirements (pinned),
# reused when its marker says the same requirements are installed.
ensure_venv() {
  local name="$1"; shift
  local dir="$CLOUDHOP_TOOLS/$name"
  local want="$*"
  if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then
    return 0
  fi
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check "$@"
  echo "$want" > "$dir/.installed"
}
