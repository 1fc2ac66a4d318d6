#!/usr/bin/env bash
# npm test — everything CI runs: type check, unit + integration tests (real PostgreSQL, NATS,
# s3rver, Prometheus, Alertmanager, VictoriaMetrics), then browser tests against the production build.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/services.sh || exit 1

status=0
echo "== typecheck"
npx tsc --noEmit -p . || status=1

echo "== unit and integration tests (vitest)"
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json || status=1

e2e_passed=0; e2e_failed=0
if ls e2e/*.spec.ts >/dev/null 2>&1; then
  echo "== production build"
  if npx next build; then
    echo "== browser tests (playwright, Debian chromium)"
    npx playwright test --reporter=list,json 2>&1 > >(tee test-results/playwright.log) || status=1
  else
    status=1
  fi
fi

node scripts/summarize-tests.mjs || status=1
exit $status
