# One image for the three center services; the command picks the service.
#   docker build -t gateway-center .
#   docker run --rm -e REDIS_URL=… -e GATEWAY_TOKENS_FILE=… gateway-center services/registry/dist/src/main.js
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json buf.yaml ./
COPY proto/package.json proto/
COPY shared/package.json shared/
COPY services/registry/package.json services/registry/
COPY services/health/package.json services/health/
COPY services/config-push/package.json services/config-push/
COPY sdk/package.json sdk/
COPY cli/package.json cli/
COPY testkit/package.json testkit/
COPY test/package.json test/
COPY examples/gateway-core/package.json examples/gateway-core/
COPY bench/package.json bench/
COPY local-stack/package.json local-stack/
RUN npm ci --no-audit --no-fund
COPY . .
# Only the shipped projects are compiled (the three services and gatewayctl); the build
# context holds no test code (.dockerignore).
RUN npm run generate && npx tsc -b proto shared services/registry services/health services/config-push cli \
  && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production GRPC_LISTEN=0.0.0.0:50051
WORKDIR /app
COPY --from=build /app /app
USER node
STOPSIGNAL SIGTERM
CMD ["node", "services/registry/dist/src/main.js"]
