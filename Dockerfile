# syntax=docker/dockerfile:1
# telnyx-mock for CI:  docker build -t telnyx-mock . && docker run --rm -p 5080:5080 telnyx-mock
#
# Base: Node 24, the Active LTS line in December 2026 (LTS since October 2025, supported to April
# 2028). Node 20 reached end of life on 2026-04-30 and Node 22 only gets maintenance fixes.
# scripts/pack-check.mjs replays this file's final stage (its ENV, USER, /data, HEALTHCHECK and
# CMD) against the packed package, so the file cannot rot unnoticed while no Docker engine runs it.
ARG NODE_IMAGE=node:24-bookworm-slim

# Lock files first: the dependency layers below are rebuilt only when they change. better-sqlite3
# compiles from source here (python3, make, g++), never in the final image.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

# Production dependencies only: what the final stage gets.
FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Every dependency (TypeScript among them), then the sources and the build: editing src/ reruns
# only the last two steps.
FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY schema ./schema
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM ${NODE_IMAGE}
# package.json's version: `npm version` updates it (scripts/sync-docker-version.mjs); tests check it.
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="telnyx-mock" \
      org.opencontainers.image.description="A local, stateful emulator of the Telnyx conferencing, queue and call-control API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/telnyx-mock/telnyx-mock" \
      org.opencontainers.image.url="https://github.com/telnyx-mock/telnyx-mock#readme" \
      org.opencontainers.image.documentation="https://github.com/telnyx-mock/telnyx-mock#readme" \
      org.opencontainers.image.vendor="telnyx-mock contributors"
WORKDIR /app
# State (and the generated webhook signing key) lives in the /data volume, so a restarted container
# keeps both; -e TELNYX_MOCK_DB= runs in memory instead. Pin the key with TELNYX_MOCK_SIGNING_KEY
# (telnyx-mock keygen prints one) when every fresh container must sign alike.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=5080 TELNYX_MOCK_DB=/data/telnyx-mock.db
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE README.md ./
COPY schema/migrations ./schema/migrations
COPY fixtures ./fixtures
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 5080
# The slim image has no curl: Node's own fetch probes the health endpoint (no API key needed).
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 5080) + '/_mock/health', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Prints the banner (version, URLs, webhook public key and its source, database) and serves.
CMD ["node", "dist/src/index.js"]
