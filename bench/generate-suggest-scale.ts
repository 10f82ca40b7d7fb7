/**
 * Scale data for the suggestion speed target: one country with N recommendations and M activities, made by
 * recombining the bundled real texts (UPR Info recommendations of the five sample States; the Kenya IATI activities
 * already imported into the database), so that vocabulary, lengths and sector codes follow the real distribution.
 * A third of the recommendations carry SDG targets (as UHRI records do), so that sdg-match works too.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';
import { queryRows } from '../src/db/query.js';
import { fromRoot } from '../src/lib/paths.js';
import { rng } from './suggestions.lib.js';

const CHUNK = 2_000;

export async function generateSuggestScale(db: Db, opts: { country: string; recommendations: number; activities: number; seed?: number }) {
  const rand = rng(opts.seed ?? 42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;

  const upr = parse(readFileSync(fromRoot('data/sample/upr-info_recommendations_sample.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const real = await queryRows<{ title: string | null; description: string | null; sector_codes: string[]; sdg_targets: string[] }>(
    db,
    sql`select title, description, sector_codes, sdg_targets from activities where title is not null`,
  );
  if (!real.length) throw new Error('import a sample IATI file first: the generator recombines real activities');
  const sentences = real.flatMap((a) => (a.description ?? '').split(/(?<=[.!?])\s+/).filter((s) => s.length > 20));
  const targets = [...new Set(real.flatMap((a) => a.sdg_targets))];
  const allTargets = targets.length ? targets : ['5.2', '16.3', '4.1', '3.8'];

  for (let i = 0; i < opts.recommendations; i += CHUNK) {
    const rows = [];
    for (let j = i; j < Math.min(i + CHUNK, opts.recommendations); j++) {
      const src = pick(upr);
      const t = rand() < 0.33 ? [pick(allTargets)] : [];
      rows.push({
        id: `scale-${opts.country.toLowerCase()}-r${j}`,
        text: rand() < 0.3 ? `${src.Text!.trim()}, and ${pick(upr).Text!.trim().replace(/^./, (c) => c.toLowerCase())}` : src.Text!.trim(),
        themes: (src.Issue ?? '').split(',').map((s) => s.trim()).filter(Boolean),
        sdg_targets: t,
        sdg_goals: t.map((x) => x.split('.')[0]!),
      });
    }
    await db.execute(sql`
      insert into recommendations (id, country, mechanism, body, text, themes, sdg_targets, sdg_goals, content_hash)
      select x.id, ${opts.country}, 'UPR', 'UPR', x.text, x.themes, x.sdg_targets, x.sdg_goals, md5(x.text)
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(id text, text text, themes text[], sdg_targets text[], sdg_goals text[])
      on conflict (id) do nothing`);
  }

  for (let i = 0; i < opts.activities; i += CHUNK) {
    const rows = [];
    for (let j = i; j < Math.min(i + CHUNK, opts.activities); j++) {
      const a = pick(real);
      const title = `${a.title} ${j}`;
      const description = [pick(sentences), pick(sentences), pick(sentences)].join(' ');
      rows.push({
        id: `XX-SCALE-${opts.country}-${j}`,
        title,
        description,
        titles: [{ lang: 'en', text: title }],
        descriptions: [{ type: '1', lang: 'en', text: description }],
        sector_codes: a.sector_codes,
        sdg_targets: a.sdg_targets,
        sdg_goals: [...new Set(a.sdg_targets.map((x) => x.split('.')[0]!))],
      });
    }
    await db.execute(sql`
      insert into activities (iati_identifier, title, description, titles, descriptions, country_codes, sector_codes, sdg_targets, sdg_goals, content_hash)
      select x.id, x.title, x.description, x.titles, x.descriptions, array[${opts.country}]::text[], x.sector_codes, x.sdg_targets, x.sdg_goals, md5(x.id)
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as x(id text, title text, description text, titles jsonb, descriptions jsonb, sector_codes text[], sdg_targets text[], sdg_goals text[])
      on conflict (iati_identifier) do nothing`);
  }
}
