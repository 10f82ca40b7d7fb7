/**
 * Batch writer for IATI activities: one read of the stored versions for the whole batch, then multi-row
 * upserts of the activities, bulk delete + reinsert of the children of replaced activities, and an
 * organisations upsert. The number of statements per batch does not depend on the number of activities.
 */
import { inArray, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import {
  activities,
  activityParticipatingOrgs,
  activityPolicyMarkers,
  activityRecipientCountries,
  activityRecipientRegions,
  activitySectors,
  activityTags,
  budgets,
  organisations,
  transactions,
} from '../../db/schema.js';
import type { ImportContext, Outcome, Parsed } from '../run.js';
import type { IatiActivity } from './types.js';

/**
 * Rows per statement. Each statement sends its rows as ONE bind parameter (a JSON array expanded by
 * jsonb_to_recordset), far under PostgreSQL's 65,535-parameter limit; the chunk only bounds that text's size.
 */
const ROWS_PER_STATEMENT = 5_000;

const CHILD_TABLES = [
  activityRecipientCountries,
  activityRecipientRegions,
  activitySectors,
  activityTags,
  activityPolicyMarkers,
  activityParticipatingOrgs,
  transactions,
  budgets,
] as const;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** key → SQL type of every column of a table (from the drizzle schema, never from input). */
const typeCache = new Map<PgTable, Map<string, string>>();
function columnTypes(table: PgTable): Map<string, string> {
  let m = typeCache.get(table);
  if (!m) {
    m = new Map(getTableConfig(table).columns.map((c) => [c.name, c.getSQLType()]));
    typeCache.set(table, m);
  }
  return m;
}

/**
 * Multi-row insert of plain rows (camelCase keys, every row with the same keys) as
 * `insert … select … from jsonb_to_recordset($1)`: one round trip and one parameter per chunk, identical on
 * PGlite and PostgreSQL, and no per-value SQL building in JavaScript (drizzle's values() builder was the
 * bottleneck: ~3× slower on the D-Portal files).
 */
async function bulkInsert(tx: Db, table: PgTable, rows: Record<string, unknown>[], onConflict?: SQL): Promise<void> {
  if (!rows.length) return;
  const types = columnTypes(table);
  const cols = Object.keys(rows[0]!).map((key) => {
    const type = types.get(key);
    if (!type) throw new Error(`bulkInsert: table ${getTableConfig(table).name} has no column ${key}`);
    return { key, name: snake(key), type };
  });
  const list = sql.join(
    cols.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const defs = sql.join(
    cols.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.type)}`),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const json = JSON.stringify(
      rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => {
        const o: Record<string, unknown> = {};
        for (const c of cols) o[c.name] = r[c.key];
        return o;
      }),
    );
    await tx.execute(
      sql`insert into ${table} (${list}) select ${list} from jsonb_to_recordset(${sql.param(json)}::jsonb) as x(${defs}) ${
        onConflict ?? sql``
      }`,
    );
  }
}

interface Version {
  ms: number | null;
  hash: string;
  lastUpdated: string | null;
}

const msOf = (iso: string | null) => (iso === null ? null : Date.parse(iso));
const show = (v: Version) => v.lastUpdated ?? 'none';

/**
 * Decides, for each record in order, what it does to the stored state (the database as it is, plus the
 * earlier records of this batch): insert, update (newer, or same date with other content), unchanged, or
 * stale (older; reported and ignored). Then writes the winners.
 */
export async function writeIatiBatch(tx: Db, batch: Parsed<IatiActivity>[], ctx: ImportContext): Promise<Outcome[]> {
  const records = batch.map((p) => p.record!);
  const ids = [...new Set(records.map((r) => r.iatiIdentifier))];

  const stored = await tx
    .select({
      id: activities.iatiIdentifier,
      hash: activities.contentHash,
      ms: sql<number | null>`(extract(epoch from ${activities.lastUpdated}) * 1000)::float8`,
    })
    .from(activities)
    .where(inArray(activities.iatiIdentifier, ids));

  const current = new Map<string, Version>();
  const inDb = new Set<string>();
  for (const s of stored) {
    const ms = s.ms === null ? null : Math.round(Number(s.ms));
    current.set(s.id, { ms, hash: s.hash, lastUpdated: ms === null ? null : new Date(ms).toISOString() });
    inDb.add(s.id);
  }

  /** identifier → the version to write (the last one that won). */
  const pending = new Map<string, IatiActivity>();
  const outcomes: Outcome[] = [];

  batch.forEach((p, i) => {
    const r = records[i]!;
    const id = r.iatiIdentifier;
    const mine: Version = { ms: msOf(r.lastUpdated), hash: r.contentHash, lastUpdated: r.lastUpdated };
    const cur = current.get(id);
    const warn = (message: string) =>
      ctx.report({ severity: 'warning', line: p.line, recordId: id, field: 'iati-activity/@last-updated-datetime', message });
    let outcome: Outcome;
    if (!cur) {
      outcome = 'inserted';
    } else if (mine.ms !== null && cur.ms !== null && mine.ms < cur.ms) {
      outcome = 'stale';
      warn(`stored version is newer (stored last-updated ${show(cur)}, this one ${show(mine)}); this one is ignored`);
    } else if (mine.ms !== null && cur.ms !== null && mine.ms > cur.ms) {
      outcome = 'updated';
    } else if (mine.ms === null && cur.ms !== null) {
      // An undated copy (D-Portal strips the attribute) cannot show that it is newer than a dated version.
      outcome = 'stale';
      warn(`stored version is newer (stored last-updated ${show(cur)}, this one has none); this one is ignored`);
    } else if (mine.ms !== null && cur.ms === null) {
      outcome = 'updated';
    } else if (mine.hash === cur.hash) {
      outcome = 'unchanged';
    } else {
      outcome = 'updated';
      warn(
        mine.ms === null
          ? 'content differs from the stored version and neither has a last-updated-datetime; replaced by this one'
          : `content differs from the stored version with the same last-updated-datetime (${show(mine)}); replaced by this one`,
      );
    }
    outcomes.push(outcome);
    if (outcome === 'inserted' || outcome === 'updated') {
      current.set(id, mine);
      pending.set(id, r);
    }
  });

  if (!pending.size) return outcomes;
  const runId = ctx.runId;
  const toWrite = [...pending.values()];

  const activityRows = toWrite.map((r) => ({
    iatiIdentifier: r.iatiIdentifier,
    reportingOrgRef: r.reportingOrgRef,
    reportingOrgName: r.reportingOrgName,
    reportingOrgType: r.reportingOrgType,
    title: r.title,
    description: r.description,
    titles: r.titles,
    descriptions: r.descriptions,
    status: r.status,
    defaultCurrency: r.defaultCurrency,
    humanitarian: r.humanitarian,
    lastUpdated: r.lastUpdated,
    iatiVersion: r.iatiVersion,
    dataset: r.dataset,
    plannedStart: r.plannedStart,
    actualStart: r.actualStart,
    plannedEnd: r.plannedEnd,
    actualEnd: r.actualEnd,
    countryCodes: r.countryCodes,
    sectorCodes: r.sectorCodes,
    sdgGoals: r.sdgGoals,
    sdgTargets: r.sdgTargets,
    contentHash: r.contentHash,
    importRunId: runId,
  }));
  const updates = Object.keys(activityRows[0]!)
    .filter((k) => k !== 'iatiIdentifier')
    .map((k) => sql`${sql.identifier(snake(k))} = excluded.${sql.identifier(snake(k))}`);
  await bulkInsert(
    tx,
    activities,
    activityRows,
    sql`on conflict (iati_identifier) do update set ${sql.join(updates, sql`, `)}, updated_at = now()`,
  );

  // The coverage shares of these activities depend on three of the child tables below: refresh them once, after
  // all are written, rather than once per table (the triggers skip while the setting is on in this transaction).
  await tx.execute(sql`select set_config('oda.defer_coverage_shares', 'on', true)`);
  const replaced = toWrite.map((r) => r.iatiIdentifier).filter((id) => inDb.has(id));
  if (replaced.length) {
    for (const table of CHILD_TABLES) {
      const col = (table as unknown as { activityId: PgColumn }).activityId;
      await tx.delete(table).where(inArray(col, replaced));
    }
  }

  const rows = <T extends object>(pick: (r: IatiActivity) => T[]) =>
    toWrite.flatMap((r) =>
      pick(r).map((x, i): Record<string, unknown> => ({ activityId: r.iatiIdentifier, position: i + 1, ...x })),
    );
  await bulkInsert(tx, activityRecipientCountries, rows((r) => r.recipientCountries));
  await bulkInsert(tx, activityRecipientRegions, rows((r) => r.recipientRegions));
  await bulkInsert(tx, activitySectors, rows((r) => r.sectors));
  await bulkInsert(tx, activityTags, rows((r) => r.tags));
  await bulkInsert(tx, activityPolicyMarkers, rows((r) => r.policyMarkers));
  await bulkInsert(tx, activityParticipatingOrgs, rows((r) => r.participatingOrgs));
  await bulkInsert(tx, transactions, rows((r) => r.transactions));
  await bulkInsert(tx, budgets, rows((r) => r.budgets));
  await tx.execute(sql`select set_config('oda.defer_coverage_shares', 'off', true)`);
  const written = JSON.stringify(toWrite.map((r) => r.iatiIdentifier));
  await tx.execute(sql`select coverage_shares_refresh(array(select jsonb_array_elements_text(${written}::jsonb)))`);

  // Organisations: the reporting org and every participating org with a ref; a name or type seen beats none.
  const orgs = new Map<string, { ref: string; name: string | null; type: string | null }>();
  const addOrg = (ref: string | null, name: string | null, type: string | null) => {
    if (!ref) return;
    const o = orgs.get(ref);
    if (!o) orgs.set(ref, { ref, name, type });
    else {
      o.name ??= name;
      o.type ??= type;
    }
  };
  for (const r of toWrite) {
    addOrg(r.reportingOrgRef, r.reportingOrgName, r.reportingOrgType);
    for (const o of r.participatingOrgs) addOrg(o.ref, o.name, o.type);
  }
  await bulkInsert(
    tx,
    organisations,
    [...orgs.values()],
    sql`on conflict (ref) do update set name = coalesce(excluded.name, organisations.name),
      type = coalesce(excluded.type, organisations.type), updated_at = now()`,
  );

  return outcomes;
}
