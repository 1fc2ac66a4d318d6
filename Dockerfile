# syntax=docker/dockerfile:1
# One image, three commands (k8s/ sets them as args, so tini stays PID 1):
#   web     node server.js                          (Next.js standalone, listens on $PORT)
#   worker  node --max-old-space-size=192 --max-semi-space-size=8 dist/worker/main.mjs   (health and metrics on $WORKER_PORT)
#   cli     node dist/worker/cli.mjs --migrate | --list-alerts | --fingerprint <prefix> ...
#           (node --import tsx worker/cli.ts … runs the same from source)
# Everything runs from /app, so drizzle/ migrations resolve relative to the working directory.
# Node 24 LTS, the exact version .node-version pins for CI and development (scripts/use-node.sh).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Dev dependencies included: the build stage needs them (next build; tsx and esbuild for build:worker),
# and the runtime stage copies this node_modules as it is.
# The lock file is written where the registry serves only linux-x64 builds of per-platform packages,
# so npm ci may call it out of sync; npm install then keeps the locked versions (same rule as .ci/run).
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund

FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1 \
    TARKA_STANDALONE=1
COPY . .
RUN mkdir -p public && npm run build

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tarka \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin tarka
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOME=/tmp \
    PORT=8080 \
    WORKER_PORT=9464
# Files stay owned by root: the app only writes to /tmp and .next/cache (emptyDirs in k8s/).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY lib ./lib
COPY worker ./worker
COPY drizzle ./drizzle
# The standalone server (server.js, .next/server, traced node_modules) lands on top of the full
# node_modules; Next.js leaves static assets and public/ for the deployer to copy.
COPY --from=build /app/dist/worker ./dist/worker
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
RUN mkdir -p .next/cache && chown 10001:10001 .next/cache
USER 10001:10001
EXPOSE 8080 9464
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "server.js"]
