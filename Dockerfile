# Switchboard: one process serves API, webhooks, Socket.IO and the console on port 3000.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.json ./
COPY prisma/package.json prisma/
COPY channels/package.json channels/
COPY server/package.json server/
COPY web/package.json web/
COPY tests/package.json tests/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run db:generate && npx turbo run build --filter=@switchboard/web

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000 SWITCHBOARD_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Migrations run at start (safe with several instances: the schema engine takes a lock).
CMD ["node", "server/src/main.ts"]
