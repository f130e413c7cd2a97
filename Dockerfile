# Build stage: compile TypeScript and build better-sqlite3 from source.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json drizzle.config.ts ./
COPY schema ./schema
COPY src ./src
# npm ci builds better-sqlite3 and, through the `prepare` script, compiles dist/.
RUN npm ci && npm prune --omit=dev

# Run stage: only what the server needs, as the unprivileged `node` user.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=5080
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema/migrations ./schema/migrations
COPY fixtures ./fixtures
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 5080
# In memory by default; mount a volume and set TELNYX_MOCK_DB=/data/telnyx-mock.db to persist.
CMD ["node", "dist/src/index.js"]
