import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { decodeCursor, paginate } from '../../lib/cursor.js';

/** Reporting organisations with the number of activities they report. */
export async function listReportingOrganisations(db: Db, f: { country?: string }, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor, 1);
  const country = f.country ? sql`and country_codes @> array[${f.country}]::text[]` : sql``;
  const base = sql`
    select a.reporting_org_ref as ref,
           coalesce(o.name, max(a.reporting_org_name)) as name,
           coalesce(o.type, max(a.reporting_org_type)) as type,
           count(*) as activities
    from activities a left join organisations o on o.ref = a.reporting_org_ref
    where a.reporting_org_ref is not null ${country}
    group by a.reporting_org_ref, o.name, o.type`;
  const rows = await queryRows<{ ref: string; name: string | null; type: string | null; activities: string }>(
    db,
    sql`select * from (${base}) x ${after ? sql`where ref > ${String(after[0])}` : sql``} order by ref limit ${page.limit + 1}`,
  );
  const [{ n } = { n: '0' }] = await queryRows<{ n: string }>(db, sql`select count(*) as n from (${base}) x`);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.ref]);
  return { items: items.map((r) => ({ ...r, activities: Number(r.activities) })), nextCursor, total: Number(n) };
}
