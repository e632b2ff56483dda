#!/usr/bin/env bash
# Runs its arguments inside a private D-Bus session with an unlocked gnome-keyring, so keytar
# talks to a real Secret Service. Nothing of the user's own keyring is touched: HOME, XDG_DATA_HOME
# and XDG_RUNTIME_DIR point into a temporary folder that is removed afterwards.
#
#   bash scripts/with-keyring.sh npx vitest run test/integration/keychain.test.ts
#
# Installs gnome-keyring, dbus, dbus-x11 and libsecret-1-dev when missing (needs root; runs
# `apt-get update` first only when the package lists are empty or the install fails without it).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 command [args...]" >&2
  exit 2
fi

packages=(gnome-keyring dbus dbus-x11 libsecret-1-dev)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "with-keyring: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo -n); else
      echo "with-keyring: ${missing[*]} missing and not root; install them first" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e '^lock$' -e '^partial$' || true)" ]; then
    "${sudo_cmd[@]}" apt-get update -qq
  fi
  if ! "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/countersign-keyring.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"

# The inner script starts the keyring on the private bus, runs the command, then stops the daemon.
inner='
set -euo pipefail
password="countersign-test-$$-$RANDOM"
eval "$(printf %s "$password" | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null || true)"
keyring_pid=""
# The daemon detaches; it leaves when the private bus goes away, and we also stop it by the
# process id the bus reports for the Secret Service name (exactly the daemon we started).
stop_keyring() { if [ -n "$keyring_pid" ]; then kill "$keyring_pid" 2>/dev/null || true; fi; }
trap stop_keyring EXIT
# gnome-keyring registers on the bus asynchronously: wait until the Secret Service answers.
for _ in $(seq 1 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    break
  fi
  sleep 0.1
done
keyring_pid="$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null \
  | awk '"'"'/uint32/ { print $2 }'"'"' || true)"
export COUNTERSIGN_KEYRING=1
set +e
"$@"
status=$?
set -e
exit "$status"
'

set +e
env -u DBUS_SESSION_BUS_ADDRESS \
  HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
  XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime" \
  NPM_CONFIG_CACHE="${NPM_CONFIG_CACHE:-$HOME/.npm}" \
  dbus-run-session -- bash -c "$inner" with-keyring "$@"
status=$?
set -e
exit "$status"
