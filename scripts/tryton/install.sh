#!/usr/bin/env bash
# Installs Tryton 6.0 (server, the modules Countersign's tests use, and proteus) from Debian.
# Idempotent: does nothing when everything is present; runs `apt-get update` only when a
# package is missing. Needs root (or sudo) on a Debian 12 machine.
set -euo pipefail

PACKAGES=(
  tryton-server
  tryton-modules-party
  tryton-modules-company
  tryton-modules-account
  tryton-modules-account-invoice
  tryton-modules-sale-opportunity
  tryton-modules-marketing-automation
  tryton-modules-party-relationship
  tryton-proteus
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "tryton: all packages present"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "tryton: missing packages (${missing[*]}) and not root: run 'sudo $0'" >&2
    exit 1
  fi
fi

echo "tryton: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"

# The Debian package starts a system trytond service on install; the tests run their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet tryton-server 2>/dev/null; then
  "${SUDO[@]}" systemctl stop tryton-server || true
fi

/usr/bin/python3 -c 'import trytond, proteus; print("tryton: trytond", trytond.__version__, "proteus", proteus.__version__)'
