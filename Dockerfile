# syntax=docker/dockerfile:1

# --- build: compile TypeScript with the dev dependencies ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# --- runtime: production dependencies and the compiled output only ---
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY scripts/run-entry.cjs ./scripts/run-entry.cjs
USER node
# 8000: the API; 9464: its metrics (METRICS_PORT); the worker's metrics are on 9465.
EXPOSE 8000 9464 9465
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command `npm start` runs after building, with the same Node flags
# (src/interfaces/http/runtime-flags.ts).
CMD ["node", "--max-semi-space-size=64", "dist/src/interfaces/http/main.js"]
