/**
 * One recommendation, several sources (UPR Info and UHRI). A UPR recommendation arriving from one source is
 * merged into an existing one from the other when both name the same State under review and session, the same
 * recommending States (or, for a joint recommendation, its first State: statesMatch), and texts that are equal
 * after normalisation or nearly equal (token Jaccard ≥ 0.9).
 * Used by both importers, whichever comes first: the recommendation keeps its id and gains a source row.
 *
 * Field ownership of a merged recommendation: the UPR fields (State, session, cycle, response, recommending
 * States, text) and the action category come from UPR Info; SDG targets and goals, affected persons, regions,
 * document symbol and id, paragraph, publication date, annotation type and HTML text from UHRI; themes are the
 * union of every source's themes (recommendation_sources.themes keeps each source's own).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { bundledCountryResolver, type CountryResolver } from '../reference.importer.js';
import { identityText } from '../upr-info.importer.js';
import { splitParagraph } from './fields.js';

export const NEAR_EQUAL_JACCARD = 0.9;

/**
 * The form texts are matched in: identity text (NFKC, lower case…), without a leading paragraph number and
 * without a trailing "(Algeria, Brazil)" naming recommending States (UHRI writes them after the text), and
 * without punctuation.
 */
export function matchText(text: string, resolve: CountryResolver = bundledCountryResolver()): string {
  let s = splitParagraph(text.trim()).rest;
  const tail = /\s*\(([^()]+)\)\s*[;.,]?\s*$/.exec(s);
  if (tail && tail[1]!.split(/,|;|\band\b/).every((n) => !n.trim() || resolve(n.trim()))) s = s.slice(0, tail.index);
  return identityText(s)
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function jaccard(a: string, b: string): number {
  const A = new Set(a.split(' ').filter(Boolean));
  const B = new Set(b.split(' ').filter(Boolean));
  if (!A.size && !B.size) return 1;
  let common = 0;
  for (const t of A) if (B.has(t)) common++;
  return common / (A.size + B.size - common);
}

export interface TwinKey {
  country: string;
  session: number;
  recommendingStates: string[];
  text: string;
}

interface Candidate extends Record<string, unknown> {
  id: string;
  country: string;
  session: number;
  recommending_states: string[];
  text: string;
}

const sameStates = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Whether two records' recommending States agree: the same set; or one is a joint recommendation (several
 * States, as UHRI and the UN report list them) and the other names that recommendation's first State alone
 * (UPR Info writes a joint recommendation once per State, each row a record of its own). The joint record
 * pairs with its first State's row; the other States' rows stay UPR Info's own recommendations. Either
 * import order gives the same pairing, and no joint record is added beside the rows it repeats.
 */
export function statesMatch(a: string[], b: string[]): 'same' | 'joint' | undefined {
  if (sameStates(a, b)) return 'same';
  if (a.length === 1 && b.length > 1 && b[0] === a[0]) return 'joint';
  if (b.length === 1 && a.length > 1 && a[0] === b[0]) return 'joint';
  return undefined;
}

/**
 * For each key, the id of an existing UPR recommendation it is the twin of, among those that have no source
 * of `importer` yet (so a recommendation gains at most one source of each importer). One query per batch; the
 * candidates of a (State, session) are few. Exact matches are taken first, then the nearest above the threshold;
 * a candidate is given to one key only.
 */
export async function findUprTwins(tx: Db, keys: TwinKey[], importer: string): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = keys.map(() => undefined);
  if (!keys.length) return out;
  // No source of another importer at all (the usual first load): nothing to match. Two range scans of the key.
  const [others] = await queryRows<{ any: boolean }>(
    tx,
    sql`select exists (select 1 from recommendation_sources where importer < ${importer})
            or exists (select 1 from recommendation_sources where importer > ${importer}) as any`,
  );
  if (!others?.any) return out;
  const pairs = [...new Set(keys.map((k) => `${k.country}|${k.session}`))].map((p) => {
    const [country, session] = p.split('|');
    return { country, session: Number(session) };
  });
  const candidates = await queryRows<Candidate>(
    tx,
    sql`select r.id, r.country, r.session, r.recommending_states, r.text
        from recommendations r
        join jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as k(country text, session integer)
          on r.country = k.country and r.session = k.session
        where r.mechanism = 'UPR'
          and not exists (select 1 from recommendation_sources s where s.recommendation_id = r.id and s.importer = ${importer})`,
  );
  if (!candidates.length) return out;
  const byPair = new Map<string, { c: Candidate; norm: string }[]>();
  for (const c of candidates) {
    const k = `${c.country}|${c.session}`;
    byPair.set(k, [...(byPair.get(k) ?? []), { c, norm: matchText(c.text) }]);
  }
  const taken = new Set<string>();
  const norms = keys.map((k) => matchText(k.text));
  // Two passes: exact normalised equality first, so a near-equal key cannot take an exact one's twin.
  for (const exact of [true, false]) {
    keys.forEach((k, i) => {
      if (out[i]) return;
      let best: { id: string; score: number } | undefined;
      for (const { c, norm } of byPair.get(`${k.country}|${k.session}`) ?? []) {
        const states = taken.has(c.id) ? undefined : statesMatch(c.recommending_states, k.recommendingStates);
        if (!states) continue;
        const text = norm === norms[i] ? 1 : exact ? 0 : jaccard(norm, norms[i]!);
        if (!(exact ? text === 1 : text >= NEAR_EQUAL_JACCARD)) continue;
        // At equal text, the same States before a joint recommendation's first State.
        const score = text + (states === 'same' ? 1e-9 : 0);
        if (!best || score > best.score) best = { id: c.id, score };
      }
      if (best) {
        out[i] = best.id;
        taken.add(best.id);
      }
    });
  }
  return out;
}

/**
 * The themes of recommendation `id` once `importer`'s themes are `own`: the union of every source's themes, in
 * the order of the sources' importer names and then of each source's own order, so that the result does not
 * depend on which source came first.
 */
export function mergedThemesSql(id: SQL, importer: string, own: SQL): SQL {
  return sql`array(select t from (
      select s.importer as imp, st as t, so from recommendation_sources s, unnest(s.themes) with ordinality as u(st, so)
      where s.recommendation_id = ${id} and s.importer <> ${importer}
      union all
      select ${importer}::text, ot, oo from unnest(${own}::text[]) with ordinality as v(ot, oo)
    ) x group by t order by min(imp || ':' || lpad(so::text, 6, '0')))`;
}
