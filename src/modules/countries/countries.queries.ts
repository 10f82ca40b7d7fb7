import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { queryRows } from '../../db/query.js';
import { decodeCursor, paginate } from '../../lib/cursor.js';

interface CountryRow extends Record<string, unknown> {
  code: string;
  alpha3: string | null;
  name: string;
  total: string;
  upr: string;
  tb: string;
  sp: string;
  activities: string;
}

function countrySql(where: ReturnType<typeof sql>, tail: ReturnType<typeof sql>) {
  return sql`
    with r as (
      select country,
             count(*) as total,
             count(*) filter (where mechanism = 'UPR') as upr,
             count(*) filter (where mechanism = 'TB') as tb,
             count(*) filter (where mechanism = 'SP') as sp
      from recommendations group by country
    ), a as (
      select cc as country, count(*) as n from activities, unnest(country_codes) as cc group by cc
    )
    select c.code, c.alpha3, c.name,
           coalesce(r.total, 0) as total, coalesce(r.upr, 0) as upr, coalesce(r.tb, 0) as tb, coalesce(r.sp, 0) as sp,
           coalesce(a.n, 0) as activities
    from countries c left join r on r.country = c.code left join a on a.country = c.code
    where ${where}
    ${tail}`;
}

const shape = (r: CountryRow) => ({
  code: r.code,
  alpha3: r.alpha3,
  name: r.name,
  recommendations: { total: Number(r.total), UPR: Number(r.upr), TB: Number(r.tb), SP: Number(r.sp) },
  activities: Number(r.activities),
});

export async function listCountries(db: Db, f: { hasData?: boolean }, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor, 1);
  const hasData = f.hasData === undefined ? sql`true` : f.hasData
    ? sql`(r.total is not null or a.n is not null)`
    : sql`(r.total is null and a.n is null)`;
  const rows = await queryRows<CountryRow>(
    db,
    countrySql(sql`${hasData} and ${after ? sql`c.code > ${String(after[0])}` : sql`true`}`, sql`order by c.code limit ${page.limit + 1}`),
  );
  const [{ n } = { n: '0' }] = await queryRows<{ n: string }>(
    db,
    sql`select count(*) as n from (${countrySql(hasData, sql``)}) x`,
  );
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.code]);
  return { items: items.map(shape), nextCursor, total: Number(n) };
}

export async function getCountry(db: Db, code: string) {
  const [row] = await queryRows<CountryRow>(db, countrySql(sql`c.code = ${code}`, sql``));
  return row ? shape(row) : undefined;
}
