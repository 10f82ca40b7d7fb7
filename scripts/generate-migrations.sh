#!/usr/bin/env bash
# Regenerates migrations from the drizzle schema, then appends the hand-written SQL of src/db/custom/*.sql
# (triggers and other things drizzle-kit does not express) as a custom migration.
# Pre-release only: it rewrites every migration (new journal timestamps), so a database migrated from the old files
# would apply them again. Since the first landing on main, change the schema with `npm run db:generate` (a new
# migration from the drizzle schema) and hand-written SQL with `npx drizzle-kit generate --custom --name <what>`.
set -euo pipefail
if [ "${1:-}" != "--i-know-this-rewrites-history" ]; then
  echo "refusing: this rewrites all migrations; see the comment at the top of $0" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
rm -rf migrations
npx drizzle-kit generate --name init >/dev/null
if compgen -G "src/db/custom/*.sql" >/dev/null; then
  npx drizzle-kit generate --custom --name custom >/dev/null
  f=$(ls migrations/0001_*.sql)
  first=1
  for s in src/db/custom/*.sql; do
    [ $first = 1 ] || printf '\n--> statement-breakpoint\n' >>"$f"
    first=0
    printf -- '\n-- from %s\n' "$s" >>"$f"
    cat "$s" >>"$f"
  done
fi
ls migrations
