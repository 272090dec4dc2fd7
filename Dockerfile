# syntax=docker/dockerfile:1
# pibl: build stage compiles TypeScript; the runtime stage has production
# dependencies only and runs as the unprivileged `node` user.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY src ./src
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY origin ./origin
COPY parser.ini ./parser.ini
# The disk cache and the herd logs are written here.
RUN mkdir -p /app/.pibl-cache /app/logs && chown -R node:node /app/.pibl-cache /app/logs
USER node
EXPOSE 8080
CMD ["node","dist/cli.js","up"]
