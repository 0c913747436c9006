#!/usr/bin/env bash
# Runs every test of the project, as CI does: installs what the tests need where it is missing
# (PostgreSQL, Chromium, Playwright), starts a throwaway PostgreSQL, builds, runs the Swift suites
# on SQLite and PostgreSQL, then the browser tests against a real `kefu serve`, then schemathesis over
# the OpenAPI document as an admin and as a customer.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need_apt+=(fonts-wqy-microhei)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v curl >/dev/null || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c "import playwright, pytest_playwright" 2>/dev/null || python3 -m pip install -q playwright pytest-playwright
python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install -q "schemathesis==4.32.5"

if [ -z "${KEFU_TEST_POSTGRES_URL:-}" ]; then
  echo "== starting PostgreSQL"
  KEFU_TEST_POSTGRES_URL=$(scripts/start-postgres.sh)
  export KEFU_TEST_POSTGRES_URL
fi

echo "== building"
swift build --build-tests
echo "== Swift tests (SQLite and PostgreSQL)"
swift test --skip-build
echo "== browser tests (Chromium)"
(cd Tests/browser && python3 -m pytest -q)
echo "== the API against its contract (schemathesis)"
scripts/schemathesis.sh
echo "== all tests passed"
