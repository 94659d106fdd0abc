# syntax=docker/dockerfile:1
# One image for every IPS Graph service; docker-compose.yml picks the entrypoint with `command`
# (dist/subgraphs/<name>/main.js or dist/gateway/main.js).

# ---- build: full dependencies, codegen + tsc ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- production dependencies only ----
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json marks the repository root: services walk up from dist/ to find it, then read schema/.
COPY --chown=node:node package.json ./
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/schema ./schema
USER node
# No CMD: each service's entrypoint is set by docker-compose.yml (`command`).
