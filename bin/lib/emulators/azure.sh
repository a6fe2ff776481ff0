# Azurite (Azure Blob/Queue Storage emulator) for provider-azure's tests, from npm, pinned.
# azurite 3.36+ needs Node 21+; Debian 12 ships Node 18, so Node 20 (NodeSource or the machine's) is
# assumed to be present; the version check below says so loudly otherwise.
AZURITE_VERSION="3.35.0"

ensure_azure() {
  local dir="$CLOUDHOP_TOOLS/azurite"
  if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$AZURITE_VERSION" ] \
      && [ -f "$dir/node_modules/azurite/dist/src/azurite.js" ]; then
    return 0
  fi
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "installing Node.js and npm for Azurite..."
    apt_install nodejs npm
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "Azurite $AZURITE_VERSION needs Node.js 20 or later; found $(node --version)" >&2
    return 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null \
    && npm install --no-audit --no-fund --loglevel=error --save-exact "azurite@$AZURITE_VERSION" >/dev/null)
  echo "$AZURITE_VERSION" > "$dir/.installed"
}

EMULATOR_SETUPS+=(ensure_azure)
