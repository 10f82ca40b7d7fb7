import { and, arrayContains, arrayOverlaps, asc, count, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
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
  codelistItems,
  transactions,
} from '../../db/schema.js';
import { decodeCursor, isoTimestamp, paginate } from '../../lib/cursor.js';
import { liveLinks } from '../links/links.queries.js';

export interface ActivityFilters {
  country?: string[];
  reportingOrg?: string;
  sector?: string;
  sdg?: string;
  status?: string;
  humanitarian?: boolean;
  q?: string;
}

/** The WHERE clause of every activity query, shared by lists and coverage. */
export function activityWhere(f: ActivityFilters): SQL | undefined {
  const a = activities;
  const sector =
    f.sector === undefined
      ? undefined
      : f.sector.length === 5
        ? arrayContains(a.sectorCodes, [f.sector])
        : // A 3-digit group: any code of the group, including codes the publisher used that the codelist lacks.
          sql`exists (select 1 from unnest(${a.sectorCodes}) as c where c like ${f.sector + '%'})`;
  const sdg =
    f.sdg === undefined ? undefined : f.sdg.includes('.') ? arrayContains(a.sdgTargets, [f.sdg]) : arrayContains(a.sdgGoals, [f.sdg]);
  const conds: (SQL | undefined)[] = [
    f.country?.length ? arrayOverlaps(a.countryCodes, f.country) : undefined,
    f.reportingOrg ? eq(a.reportingOrgRef, f.reportingOrg) : undefined,
    sector,
    sdg,
    f.status ? eq(a.status, f.status) : undefined,
    f.humanitarian === undefined ? undefined : f.humanitarian ? eq(a.humanitarian, true) : sql`coalesce(${a.humanitarian}, false) = false`,
    f.q ? sql`${a.search} @@ websearch_to_tsquery('english', ${f.q})` : undefined,
  ];
  return and(...conds.filter(Boolean));
}

const summaryColumns = {
  iatiIdentifier: activities.iatiIdentifier,
  reportingOrgRef: activities.reportingOrgRef,
  reportingOrgName: activities.reportingOrgName,
  title: activities.title,
  status: activities.status,
  humanitarian: activities.humanitarian,
  plannedStart: activities.plannedStart,
  actualStart: activities.actualStart,
  plannedEnd: activities.plannedEnd,
  actualEnd: activities.actualEnd,
  countryCodes: activities.countryCodes,
  sectorCodes: activities.sectorCodes,
  sdgGoals: activities.sdgGoals,
  sdgTargets: activities.sdgTargets,
  lastUpdated: activities.lastUpdated,
};

const dates = (r: { plannedStart: string | null; actualStart: string | null; plannedEnd: string | null; actualEnd: string | null }) => ({
  plannedStart: r.plannedStart,
  actualStart: r.actualStart,
  plannedEnd: r.plannedEnd,
  actualEnd: r.actualEnd,
});

export async function listActivities(db: Db, f: ActivityFilters, page: { limit: number; cursor?: string }) {
  const where = activityWhere(f);
  const after = decodeCursor(page.cursor, 1);
  const rows = await db
    .select(summaryColumns)
    .from(activities)
    .where(and(where, after ? gt(activities.iatiIdentifier, String(after[0])) : undefined))
    .orderBy(asc(activities.iatiIdentifier))
    .limit(page.limit + 1);
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(activities).where(where);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.iatiIdentifier]);
  return {
    items: items.map((r) => ({
      iatiIdentifier: r.iatiIdentifier,
      reportingOrg: { ref: r.reportingOrgRef, name: r.reportingOrgName },
      title: r.title,
      status: r.status,
      humanitarian: r.humanitarian,
      dates: dates(r),
      countries: r.countryCodes,
      sectors: r.sectorCodes,
      sdgGoals: r.sdgGoals,
      sdgTargets: r.sdgTargets,
      lastUpdated: isoTimestamp(r.lastUpdated),
    })),
    nextCursor,
    total: Number(n),
  };
}

/** Codelist names for (list, code) pairs, in one query. */
async function codeNames(db: Db, pairs: [list: string, code: string][]) {
  const names = new Map<string, string>();
  if (!pairs.length) return names;
  const lists = [...new Set(pairs.map((p) => p[0]))];
  const codes = [...new Set(pairs.map((p) => p[1]))];
  const rows = await db
    .select({ list: codelistItems.list, code: codelistItems.code, name: codelistItems.name })
    .from(codelistItems)
    .where(and(inArray(codelistItems.list, lists), inArray(codelistItems.code, codes)));
  for (const r of rows) names.set(`${r.list}|${r.code}`, r.name);
  return names;
}

const SECTOR_LISTS: Record<string, string> = { '1': 'Sector', '2': 'SectorCategory', '7': 'UNSDG-Goals', '8': 'UNSDG-Targets' };
const num = (v: string | number | null) => (v === null ? null : Number(v));

export async function getActivity(db: Db, id: string) {
  const { search: _search, ...cols } = activities;
  void _search;
  const [a] = await db
    .select({
      iatiIdentifier: cols.iatiIdentifier,
      reportingOrgRef: cols.reportingOrgRef,
      reportingOrgName: cols.reportingOrgName,
      reportingOrgType: cols.reportingOrgType,
      title: cols.title,
      description: cols.description,
      titles: cols.titles,
      descriptions: cols.descriptions,
      status: cols.status,
      defaultCurrency: cols.defaultCurrency,
      humanitarian: cols.humanitarian,
      lastUpdated: cols.lastUpdated,
      iatiVersion: cols.iatiVersion,
      dataset: cols.dataset,
      plannedStart: cols.plannedStart,
      actualStart: cols.actualStart,
      plannedEnd: cols.plannedEnd,
      actualEnd: cols.actualEnd,
      sdgGoals: cols.sdgGoals,
      sdgTargets: cols.sdgTargets,
      importRunId: cols.importRunId,
    })
    .from(activities)
    .where(eq(activities.iatiIdentifier, id))
    .limit(1);
  if (!a) return undefined;
  const byActivity = <T extends { activityId: unknown; position: unknown }>(t: T) => eq(t.activityId as never, id);
  const [countries, regions, sectors, tags, markers, orgs, txs, buds, totals] = await Promise.all([
    db.select().from(activityRecipientCountries).where(byActivity(activityRecipientCountries)).orderBy(asc(activityRecipientCountries.position)),
    db.select().from(activityRecipientRegions).where(byActivity(activityRecipientRegions)).orderBy(asc(activityRecipientRegions.position)),
    db.select().from(activitySectors).where(byActivity(activitySectors)).orderBy(asc(activitySectors.position)),
    db.select().from(activityTags).where(byActivity(activityTags)).orderBy(asc(activityTags.position)),
    db.select().from(activityPolicyMarkers).where(byActivity(activityPolicyMarkers)).orderBy(asc(activityPolicyMarkers.position)),
    db.select().from(activityParticipatingOrgs).where(byActivity(activityParticipatingOrgs)).orderBy(asc(activityParticipatingOrgs.position)),
    db.select().from(transactions).where(byActivity(transactions)).orderBy(asc(transactions.position)),
    db.select().from(budgets).where(byActivity(budgets)).orderBy(asc(budgets.position)),
    db
      .select({
        type: transactions.type,
        currency: transactions.currency,
        value: sql<string>`sum(${transactions.value})`,
        count: count(),
      })
      .from(transactions)
      .where(eq(transactions.activityId, id))
      .groupBy(transactions.type, transactions.currency)
      .orderBy(asc(transactions.type), asc(transactions.currency)),
  ]);
  const names = await codeNames(db, [
    ['ActivityStatus', a.status ?? ''],
    ...countries.map((c) => ['Country', c.code] as [string, string]),
    ...regions.map((r) => ['Region', r.code] as [string, string]),
    ...sectors.filter((s) => SECTOR_LISTS[s.vocabulary]).map((s) => [SECTOR_LISTS[s.vocabulary]!, s.code] as [string, string]),
    ...markers.map((m) => ['PolicyMarker', m.code] as [string, string]),
  ]);
  return {
    iatiIdentifier: a.iatiIdentifier,
    reportingOrg: { ref: a.reportingOrgRef, name: a.reportingOrgName, type: a.reportingOrgType },
    title: a.title,
    description: a.description,
    titles: a.titles,
    descriptions: a.descriptions,
    status: a.status,
    statusName: names.get(`ActivityStatus|${a.status}`) ?? null,
    defaultCurrency: a.defaultCurrency,
    humanitarian: a.humanitarian,
    lastUpdated: isoTimestamp(a.lastUpdated),
    dates: dates(a),
    recipientCountries: countries.map((c) => ({ code: c.code, name: names.get(`Country|${c.code}`) ?? null, percentage: num(c.percentage) })),
    recipientRegions: regions.map((r) => ({
      code: r.code,
      vocabulary: r.vocabulary,
      name: r.vocabulary === '1' ? (names.get(`Region|${r.code}`) ?? null) : null,
      percentage: num(r.percentage),
    })),
    sectors: sectors.map((s) => ({
      vocabulary: s.vocabulary,
      code: s.code,
      name: SECTOR_LISTS[s.vocabulary] ? (names.get(`${SECTOR_LISTS[s.vocabulary]}|${s.code}`) ?? null) : null,
      percentage: num(s.percentage),
    })),
    tags: tags.map((t) => ({ vocabulary: t.vocabulary, code: t.code })),
    sdgGoals: a.sdgGoals,
    sdgTargets: a.sdgTargets,
    policyMarkers: markers.map((m) => ({
      vocabulary: m.vocabulary,
      code: m.code,
      name: m.vocabulary === '1' ? (names.get(`PolicyMarker|${m.code}`) ?? null) : null,
      significance: m.significance,
    })),
    participatingOrgs: orgs.map((o) => ({ role: o.role, ref: o.ref, type: o.type, name: o.name })),
    transactions: txs.map((t) => ({
      type: t.type,
      date: t.date,
      value: Number(t.value),
      currency: t.currency,
      valueDate: t.valueDate,
      recipientCountry: t.recipientCountry,
      recipientRegion: t.recipientRegion,
      sector: t.sectorCode ? { vocabulary: t.sectorVocabulary, code: t.sectorCode } : null,
      description: t.description,
    })),
    budgets: buds.map((b) => ({
      type: b.type,
      status: b.status,
      periodStart: b.periodStart,
      periodEnd: b.periodEnd,
      value: Number(b.value),
      currency: b.currency,
      valueDate: b.valueDate,
    })),
    totals: totals.map((t) => ({ type: t.type, currency: t.currency, value: Number(t.value), count: Number(t.count) })),
    source: { importRunId: a.importRunId, dataset: a.dataset, iatiVersion: a.iatiVersion },
    links: await liveLinks(db, { activityId: id }),
  };
}
