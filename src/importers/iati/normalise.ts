/**
 * Value normalisation for the IATI importer: dates, datetimes, numbers, SDG codes, canonical JSON.
 * Every function is pure; callers decide whether a bad value is a warning or a record error.
 */
import { createHash } from 'node:crypto';

/** Years outside this range are kept but reported: real files carry 1900-01-01 and 9999-12-31 placeholders. */
export const PLAUSIBLE_YEARS = { min: 1960, max: 2040 } as const;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (DAYS_IN_MONTH[m - 1] ?? 0);
}

export type DateResult = { ok: true; value: string; implausible: boolean } | { ok: false };

/**
 * An xsd:date as IATI writes it: `YYYY-MM-DD`, tolerating a trailing time or zone that some publishers add
 * ("2020-05-15T00:00:00", "2020-05-15Z"). The calendar date is checked (no 2021-02-30).
 */
export function parseIsoDate(raw: string): DateResult {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$|Z$|[+-]\d{2}:\d{2}$)/.exec(
    raw.trim(),
  );
  if (!m) return { ok: false };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!validDay(y, mo, d)) return { ok: false };
  return {
    ok: true,
    value: `${m[1]}-${m[2]}-${m[3]}`,
    implausible: y < PLAUSIBLE_YEARS.min || y > PLAUSIBLE_YEARS.max,
  };
}

/**
 * An xsd:dateTime (last-updated-datetime) → ISO 8601 in UTC with milliseconds, or null.
 * A value without a zone is read as UTC (IATI gives no other rule, and the server's zone must not matter).
 */
export function parseDateTime(raw: string): string | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(raw.trim());
  if (!m) return null;
  if (!validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  const hh = m[4] ?? '00';
  const mi = m[5] ?? '00';
  const ss = m[6] ?? '00';
  if (Number(hh) > 24 || Number(mi) > 59 || Number(ss) > 60) return null;
  const frac = m[7] ? m[7].slice(0, 4).padEnd(4, '0') : '';
  let zone = m[8] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${hh}:${mi}:${ss}${frac}${zone}`);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString();
}

/**
 * A decimal as text, checked so that PostgreSQL's numeric accepts it: optional sign, digits, optional
 * fraction and exponent. Returns the trimmed text (without a leading '+'), or null when it is not a number.
 */
export function parseDecimal(raw: string): string | null {
  const s = raw.trim();
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return null;
  if (/[eE]/.test(s) && !Number.isFinite(Number(s))) return null;
  return s.startsWith('+') ? s.slice(1) : s;
}

/** A percentage or other plain number; null when it is not one. */
export function parseNumber(raw: string): number | null {
  const s = parseDecimal(raw);
  if (s === null) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * The UN SDG targets per goal (UNSDG-Targets codelist, 169 targets): numbered targets 1..n, then lettered
 * means-of-implementation targets. Used to accept "4.1" and "16.a" and refuse "4.12" or "18.1".
 */
const SDG_TARGETS: Record<string, { numbered: number; letters: string }> = {
  '1': { numbered: 5, letters: 'ab' },
  '2': { numbered: 5, letters: 'abc' },
  '3': { numbered: 9, letters: 'abcd' },
  '4': { numbered: 7, letters: 'abc' },
  '5': { numbered: 6, letters: 'abc' },
  '6': { numbered: 6, letters: 'ab' },
  '7': { numbered: 3, letters: 'ab' },
  '8': { numbered: 10, letters: 'ab' },
  '9': { numbered: 5, letters: 'abc' },
  '10': { numbered: 7, letters: 'abc' },
  '11': { numbered: 7, letters: 'abc' },
  '12': { numbered: 8, letters: 'abc' },
  '13': { numbered: 3, letters: 'ab' },
  '14': { numbered: 7, letters: 'abc' },
  '15': { numbered: 9, letters: 'abc' },
  '16': { numbered: 10, letters: 'ab' },
  '17': { numbered: 19, letters: '' },
};

/** "4", "04", " 4 " → "4"; anything that is not goal 1–17 → null. */
export function normaliseSdgGoal(raw: string): string | null {
  const s = raw.trim();
  if (!/^\d{1,2}$/.test(s)) return null;
  const g = String(Number(s));
  return SDG_TARGETS[g] ? g : null;
}

/** "4.1", "4.A" → "4.a", "16.10"; a target that does not exist → null. */
export function normaliseSdgTarget(raw: string): string | null {
  const m = /^(\d{1,2})\.(\d{1,2}|[a-zA-Z])$/.exec(raw.trim());
  if (!m) return null;
  const goal = normaliseSdgGoal(m[1]!);
  if (!goal) return null;
  const spec = SDG_TARGETS[goal]!;
  const t = m[2]!;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= spec.numbered ? `${goal}.${n}` : null;
  }
  const letter = t.toLowerCase();
  return spec.letters.includes(letter) ? `${goal}.${letter}` : null;
}

/**
 * Canonical JSON of a parsed record. Records are built by one object literal per shape (parse.ts), so key order
 * is fixed by construction and plain JSON.stringify is canonical; sorting keys with a replacer cost ~15% of the
 * parse time for nothing. Arrays keep file order on purpose: reordered children are a changed record.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value);
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
