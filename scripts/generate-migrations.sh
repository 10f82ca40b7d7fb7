#!/usr/bin/env bash
# Regenerates migrations from the drizzle schema, then appends the hand-written SQL of src/db/custom/*.sql
# (triggers and other things drizzle-kit does not express) as a custom migration.
# Used while the schema is pre-release; once a release has shipped, add new migrations instead of regenerating.
set -euo pipefail
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
