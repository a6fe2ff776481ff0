# On-premises servers for provider-onprem's tests: BIND 9 (named, dig, rndc), OpenSSH server (sshd).
# Sourced by bin/lib/install-emulators.sh. ActiveMQ Artemis runs embedded (a Maven dependency) and the
# blob store is a temp directory, so neither needs an install. Debian packages, installed when missing.

ensure_onprem() {
  local missing=()
  command -v named >/dev/null 2>&1 || [ -x /usr/sbin/named ] || missing+=(bind9)
  command -v dig >/dev/null 2>&1 || missing+=(bind9-dnsutils)
  command -v rndc >/dev/null 2>&1 || [ -x /usr/sbin/rndc ] || missing+=(bind9-utils)
  command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing on-prem servers: ${missing[*]}..."
    apt_install "${missing[@]}"
  fi
}

EMULATOR_SETUPS+=(ensure_onprem)
