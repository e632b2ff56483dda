#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs (Debian packages, npm
# packages), type-checks, lints, then runs every runner inside a private D-Bus session with an
# unlocked keyring (for keytar): vitest (unit, integration against real Tryton and loopback
# provider servers, crash trials) and Playwright (Debian Chromium against the headless host).
# Ends with one line: "N passed, N failed, N skipped", counting every runner.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh || { echo "Could not install the Debian packages the tests need." >&2; exit 1; }
if [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi

mkdir -p .tmp/results
rm -f .tmp/results/*.json
gate=0
echo "── type-check" && npm run -s typecheck || gate=1
echo "── lint" && npx eslint . || gate=1

echo "── tests (inside a private keyring session)"
bash scripts/with-keyring.sh bash -c '
  CI=${CI:-} npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/results/vitest.json
  PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/results/playwright.json npx playwright test
  exit 0
'
node scripts/summarize-results.mjs .tmp/results/vitest.json .tmp/results/playwright.json
status=$?
if [ "$gate" -ne 0 ]; then
  echo "type-check or lint failed" >&2
  exit 1
fi
exit "$status"
