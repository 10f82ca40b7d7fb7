import { and, asc, between, count, eq, gt, inArray, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { readInChunks } from '../../db/query.js';
import { codelistItems, exchangeRates } from '../../db/schema.js';
import { BASE_CURRENCY } from '../../importers/rates.importer.js';
import { decodeCursor, isoTimestamp, paginate } from '../../lib/cursor.js';

export interface RateFilters {
  currency?: string[];
  year?: number;
  origin?: 'bundled' | 'loaded';
}

function rateWhere(f: RateFilters): SQL | undefined {
  return and(
    f.currency?.length ? inArray(exchangeRates.currency, f.currency) : undefined,
    f.year !== undefined ? eq(exchangeRates.year, f.year) : undefined,
    f.origin ? eq(exchangeRates.origin, f.origin) : undefined,
  );
}

const shape = (r: typeof exchangeRates.$inferSelect) => ({
  currency: r.currency,
  year: r.year,
  unitsPerUsd: Number(r.unitsPerUsd),
  source: r.source,
  origin: r.origin as 'bundled' | 'loaded',
  importRunId: r.importRunId,
  loadedAt: isoTimestamp(r.loadedAt)!,
});

/** Stored rates by currency, then year. USD is not stored (it is 1). */
export async function listRates(db: Db, f: RateFilters, page: { limit: number; cursor?: string }) {
  const where = rateWhere(f);
  const after = decodeCursor(page.cursor, 2) as [string, number] | undefined;
  const keyset = after
    ? or(gt(exchangeRates.currency, String(after[0])), and(eq(exchangeRates.currency, String(after[0])), gt(exchangeRates.year, Number(after[1]))))
    : undefined;
  const rows = await db
    .select()
    .from(exchangeRates)
    .where(and(where, keyset))
    .orderBy(asc(exchangeRates.currency), asc(exchangeRates.year))
    .limit(page.limit + 1);
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(exchangeRates).where(where);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.currency, r.year]);
  return { items: items.map(shape), nextCursor, total: Number(n) };
}

/** The IATI Currency codelist (withdrawn codes included: old transactions use them); empty before reference data is loaded. */
export async function currencyCodes(db: Db): Promise<Set<string>> {
  const rows = await db.select({ code: codelistItems.code }).from(codelistItems).where(eq(codelistItems.list, 'Currency'));
  return new Set(rows.map((r) => r.code));
}

// ---------------------------------------------------------------- for the coverage engine

export interface RateUsed {
  currency: string;
  year: number;
  unitsPerUsd: number;
  source: string;
  origin: 'bundled' | 'loaded' | 'base';
  /** The import run that wrote the rate (provenance); null for USD. */
  importRunId: string | null;
}

export const rateKey = (currency: string, year: number) => `${currency}|${year}`;

/**
 * The rate of each (currency, year) asked for, keyed by rateKey. A pair with no rate is absent from the map:
 * amounts in it are reported unconverted, never dropped or treated as USD. USD is always there (1, origin base).
 *
 * Conversion of an amount dated in `year` from currency C to the reporting currency T:
 *   amount / unitsPerUsd(C, year) × unitsPerUsd(T, year)
 * (for T = USD the factor is 1). Both rates must exist; see convertAmount. The coverage answer lists every
 * RateUsed (source, origin, importRunId), which is how its provenance names the rate tables behind it.
 */
export async function ratesFor(db: Db, pairs: { currency: string; year: number }[]): Promise<Map<string, RateUsed>> {
  const out = new Map<string, RateUsed>();
  const wanted = new Map<string, { currency: string; year: number }>();
  for (const p of pairs) {
    if (p.currency === BASE_CURRENCY) {
      out.set(rateKey(p.currency, p.year), { ...p, unitsPerUsd: 1, source: 'USD is the base currency', origin: 'base', importRunId: null });
    } else wanted.set(rateKey(p.currency, p.year), p);
  }
  const list = [...wanted.values()];
  // By currency and year range, kept when asked for: PGlite fails on long lists of (currency, year) row values.
  const rows = await readInChunks(list, (chunk) => {
    const years = chunk.map((p) => p.year);
    return db
      .select()
      .from(exchangeRates)
      .where(
        and(
          inArray(exchangeRates.currency, [...new Set(chunk.map((p) => p.currency))]),
          between(exchangeRates.year, Math.min(...years), Math.max(...years)),
        ),
      );
  });
  for (const r of rows) {
    const key = rateKey(r.currency, r.year);
    if (!wanted.has(key)) continue;
    out.set(key, {
      currency: r.currency,
      year: r.year,
      unitsPerUsd: Number(r.unitsPerUsd),
      source: r.source,
      origin: r.origin as 'bundled' | 'loaded',
      importRunId: r.importRunId,
    });
  }
  return out;
}

/** amount in `currency` → `target`, with the rates of `year`; undefined when either rate is missing (unconverted). */
export function convertAmount(
  rates: Map<string, RateUsed>,
  amount: number,
  currency: string,
  target: string,
  year: number,
): number | undefined {
  if (currency === target) return amount;
  const from = currency === BASE_CURRENCY ? 1 : rates.get(rateKey(currency, year))?.unitsPerUsd;
  const to = target === BASE_CURRENCY ? 1 : rates.get(rateKey(target, year))?.unitsPerUsd;
  if (from === undefined || to === undefined) return undefined;
  return (amount / from) * to;
}
