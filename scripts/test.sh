#!/usr/bin/env bash
# npm test — everything CI runs: type check, lint (ESLint, no cycles between lib/ folders), production
# build, unit + integration tests (real PostgreSQL, NATS, s3rver, Prometheus, Alertmanager,
# VictoriaMetrics; HTTP tests against the production build), then browser tests (Playwright with
# Debian's chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

source scripts/use-node.sh || exit 1
echo "node $(node --version)"
bash scripts/services.sh || exit 1
mkdir -p test-results
rm -f test-results/vitest.json test-results/playwright.json

status=0
echo "== typecheck"
npm run --silent typecheck || status=1

echo "== lint"
npm run --silent lint || status=1

echo "== production build"
# Standalone, as the image builds it: k8s/image-layout.test.ts runs its server.js.
if ! TARKA_STANDALONE=1 npx next build; then
  echo "next build failed" >&2
  exit 1
fi

echo "== unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json || status=1

if ls e2e/*.spec.ts >/dev/null 2>&1; then
  echo "== browser tests (playwright, Debian chromium)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json || status=1
fi

node scripts/summarize-tests.mjs || status=1
exit $status
