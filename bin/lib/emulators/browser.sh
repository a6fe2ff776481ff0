# Headless Chromium and its WebDriver (chromedriver) for the page tests (drill report page, shop page):
# screenshots, the rendered DOM and the browser console, driven by Selenium. Sourced by
# bin/lib/install-emulators.sh. Debian packages, installed when missing; chromium-driver is built from
# the same source as chromium, so the two versions always match.

ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing the headless browser: ${missing[*]}..."
    apt_install "${missing[@]}"
  fi
}

EMULATOR_SETUPS+=(ensure_browser)
