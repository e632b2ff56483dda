#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when missing: Chromium (Playwright runs it;
# no browser is ever downloaded), Xvfb for headed screenshots, the keyring stack for keytar, and
# Tryton 6.0 for the real-server connector tests. Runs `apt-get update` only when needed.
set -euo pipefail
packages=(
  chromium xvfb xauth
  libsecret-1-dev gnome-keyring dbus dbus-x11
  tryton-server tryton-modules-party tryton-modules-company tryton-modules-account
  tryton-modules-account-invoice tryton-modules-sale-opportunity tryton-modules-marketing-automation
  tryton-modules-party-relationship
  tryton-proteus
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "install-system-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo -n)
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
