# oda-rights-map API image. Build: docker build -t oda-rights-map .   (or: docker-compose up --build)

# 1. All dependencies, for the TypeScript build.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# 2. Compile src/ and scripts/ to dist/ (tsconfig.build.json).
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# 3. Runtime: production dependencies, the compiled code, migrations and bundled data; runs as `node`.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PGLITE_DIR=/app/.data/pglite
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY data ./data
# Without DATABASE_URL the server keeps an embedded PGlite database here: the only writable path.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/src/server.js"]
