# syntax=docker/dockerfile:1
# Vigil image: one image, two processes.
#   API (default):  node dist/api/main.js
#   worker:         node dist/worker/main.js   (docker-compose.yml overrides the command)
# The worker bundles the compiled workflow code (dist/workflows) with webpack + swc when it
# starts; both are dependencies of @temporalio/worker, so production node_modules has them.

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM node:20-bookworm-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies + dist/ only, unprivileged ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    VIGIL_API_HOST=0.0.0.0 \
    VIGIL_API_PORT=8080 \
    VIGIL_CONFIG_DIR=/app/config \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The console's stylesheet and script: served by the app, not compiled.
COPY --from=build /app/console/static ./dist/console/static
COPY --from=build /app/api/status-page/static ./dist/api/status-page/static
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs
# Files stay root-owned and read-only for the process.
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "deploy/healthcheck.mjs"]
CMD ["node", "dist/api/main.js"]
