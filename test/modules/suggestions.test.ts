import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { readJudgements } from '../../bench/suggestions.lib.js';
import { queryRows } from '../../src/db/query.js';
import { fromRoot } from '../../src/lib/paths.js';
import { activityScope, instrumentOnlyStems, recommendationIssues, recommendationKind, SPECIFIC_ISSUES, suggest } from '../../src/suggest/engine.js';
import { applyVariants, impliedTokens, loadConcepts, parseConcepts } from '../../src/suggest/concepts.js';
import { normaliseTarget } from '../../src/suggest/sdg.js';
import { loadCrosswalk, themesOf } from '../../src/suggest/sector-theme.js';
import { isBroad, sharedPhrases, tokenise } from '../../src/suggest/text.js';
import { buildTestApp } from '../helpers/build-test-app.js';
import { seedKenya } from '../helpers/seed.js';

// One database for the file: the real Kenya sample (166 recommendations, 288 activities) and the judged set
// test/fixtures/judgements/kenya.csv (see its README for how the pool was built and judged).
const { app, database, auth } = await buildTestApp(t);
await seedKenya(database);
const db = database.db;
const kenya = readJudgements('KE');
const key = (a: string, r: string) => `${a}|${r}`;

type Item = { id: string; activity: { id: string }; recommendation: { id: string; text: string }; score: number; methods: string[]; evidence: Record<string, { summary: string }>; status: string };
const list = async (qs: string) => (await app.inject({ method: 'GET', url: `/v1/suggestions?${qs}` })).json() as { items: Item[]; total: number; nextCursor: string | null };
const allOpen = async (country = 'KE') => {
  const out: Item[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`country=${country}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
};
const run = (body: Record<string, unknown>, who: 'editor' | 'reader' = 'editor') =>
  app.inject({ method: 'POST', url: '/v1/suggestions/runs', headers: auth[who], payload: body });

t.test('engine pieces: SDG normalisation, stemming, phrases, recommendation kinds, crosswalk', async (t) => {
  t.equal(normaliseTarget('4.A'), '4.a', 'crosswalk upper-case letters');
  t.equal(normaliseTarget('2.5.'), '2.5', 'trailing dot');
  t.equal(normaliseTarget('18.1'), undefined);
  const en = tokenise('Survivors of gender-based violence', 'en').map((x) => x.stem);
  t.same(en, tokenise('survivor of gender based violences', 'en').map((x) => x.stem), 'English stems meet');
  t.same(tokenise('les droits des femmes', 'fr').map((x) => x.stem), ['droit', 'femm'], 'French stop words and stems');
  t.same(tokenise('COVID-19 project support in Kenya', 'en'), [], 'boilerplate every activity shares is ignored');
  const text = 'Access for women victims of gender-based violence to justice';
  const toks = tokenise(text, 'en');
  t.same(sharedPhrases(text, toks, new Set(['gender', 'base', 'violenc', 'justic'])), ['gender-based violence', 'justice']);
  t.equal(recommendationKind('Consider ratifying OP-CAT'), 'ratify');
  t.equal(recommendationKind('Extend an open and standing invitation to all special procedures'), 'invite');
  t.equal(recommendationKind('Decriminalize same-sex activity between consenting adults'), 'legislate');
  t.equal(recommendationKind('Strengthen the fight against poverty'), 'other');
  // Guideline rule 6: the specific issues a recommendation names.
  const issues = (text: string) => recommendationIssues(text).map((k) => SPECIFIC_ISSUES[k]!.issue);
  t.same(issues('Take all appropriate measures to ensure for street children, who are vulnerable to various forms of violence, appropriate care and protection'), ['street children']);
  t.same(issues('Eliminate the practice of female genital mutilation'), ['female genital mutilation']);
  t.same(issues('Strengthen the fight against poverty'), []);
  // Words written only inside a treaty's title are not the recommendation's object.
  const rec = 'Ensure that public policies for combating poverty are in accordance with the rights recognized in the International Covenant on Economic, Social and Cultural Rights';
  const only = instrumentOnlyStems(rec, tokenise(rec, 'en'));
  t.ok(only.has(tokenise('economic', 'en')[0]!.stem) && only.has(tokenise('social', 'en')[0]!.stem), 'economic and social only in the covenant title');
  t.notOk(only.has(tokenise('poverty', 'en')[0]!.stem), 'poverty is the object');
  // Curated term concepts (data/crosswalks/term-concepts.csv): word families the stemmer leaves apart, and guideline
  // rule 4's delivery phrases.
  const concepts = loadConcepts();
  const stems = (text: string) => applyVariants(tokenise(text, 'en'), concepts).map((x) => x.stem);
  t.same(stems('judicial'), stems('judiciary'), 'judicial and judiciary are one term');
  t.notSame(tokenise('judicial', 'en')[0]!.stem, tokenise('judiciary', 'en')[0]!.stem, '(the stemmer alone leaves them apart)');
  t.same(impliedTokens('Providing a safety net for vulnerable households', concepts).map((x) => [x.stem, x.surface]), [[tokenise('poverty', 'en')[0]!.stem, 'safety net']]);
  t.same(impliedTokens('Strengthening the health system', concepts), []);
  t.throws(() => parseConcepts('kind,pattern,term,reason\nvariant,a b,a,\n'), /reason/, 'every row needs a reason');
  const cw = loadCrosswalk();
  t.same(themesOf(cw, ['15180']).map((h) => h.theme), ["Women's rights"]);
  t.same(themesOf(cw, ['11182']), [], 'educational research is deliberately unmapped, its group mapping blocked');
});

t.test('text evidence needs the specific object of the recommendation, not its broad words', async (t) => {
  t.ok(isBroad(tokenise('rights', 'en')[0]!.stem) && isBroad(tokenise('women', 'en')[0]!.stem), 'guideline rule 2 and group words are broad');
  t.notOk(isBroad(tokenise('witnesses', 'en')[0]!.stem));
  const filler = ['Road maintenance in the north', 'Solar panels for clinics', 'Dairy value chains', 'Fisheries statistics'].map((text, i) => ({
    id: `f${i}`,
    narratives: [{ kind: 'title' as const, lang: 'en', text }],
    dacCodes: [],
    sdgTargets: [],
    sdgGoals: [],
  }));
  const act = (id: string, text: string, dacCodes: string[] = []) => ({ id, narratives: [{ kind: 'title' as const, lang: 'en', text }], dacCodes, sdgTargets: [], sdgGoals: [] });
  const recs = [
    { id: 'witness', text: 'Provide adequate protection for witnesses of human rights violations', themes: ['Justice'], sdgTargets: [], sdgGoals: [] },
    { id: 'midwives', text: 'Train midwives and equip maternity wards for pregnant women', themes: ['Right to health'], sdgTargets: [], sdgGoals: [] },
  ];
  const pairs = suggest(
    [
      ...filler,
      act('broad', 'Human rights protection for vulnerable women and children', ['15131']),
      act('object', 'Witness protection: relocating witnesses of human rights violations'),
      act('midwives', 'Midwives trained and maternity wards equipped in rural counties'),
    ],
    recs,
    // The floor and the theme calibration are set on the real Kenyan corpus; in this seven-document one scores run
    // lower and each theme is half the recommendations, so the test sets its own (just above a direct crosswalk
    // row's 0.4, so a code alone never passes) to isolate the rule; text alone needs no more than the floor here.
    { params: { floor: 0.41, recThemeBreadth: 0, textAloneFloor: 0 } },
  ).pairs;
  const got = pairs.map((p) => `${p.activityId}|${p.recommendationId}`);
  t.notOk(got.includes('broad|witness'), 'broad words and a justice sector code do not make "protection for witnesses"');
  t.ok(got.includes('object|witness'), 'the recommendation\'s object (witnesses) is shared');
  t.ok(got.includes('midwives|midwives'), 'two specific shared terms are text evidence on their own');
  t.ok(activityScope('', 'Emergency Response Support Program', 'It is designed as a Crisis Response Budget Support (CRBS).').frame, 'budget support named in a description');
  t.ok(activityScope('', 'COVID-19 Diakonia frame 2016-2020').frame && activityScope('', 'COVID-19 RFSU framework support 2018-2022').frame);
  t.notOk(activityScope('', 'Legal framework for land tenure').frame, 'a legal framework is not a frame grant');
});

t.test('the crosswalk covers every theme and every DAC group of the bundled data, or says it leaves it out', async (t) => {
  const cw = loadCrosswalk();
  const mappedThemes = new Set(cw.rows.filter((r) => r.strength !== 'unmapped').map((r) => r.theme));
  const issues = readFileSync(fromRoot('test/fixtures/obligations/upr-info-issues.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
  t.equal(issues.length, 54);
  for (const theme of issues) t.ok(mappedThemes.has(theme) !== cw.unmappedThemes.has(theme), `theme "${theme}" is mapped or unmapped (not both)`);
  const groups = new Set(cw.rows.filter((r) => r.dacCode).map((r) => r.dacCode.slice(0, 3)));
  // DAC groups of every bundled IATI file (the five sample countries), read from the XML.
  const codes = new Set<string>();
  for (const c of ['KE', 'UG', 'NP', 'BD', 'CO']) {
    const xml = readFileSync(fromRoot(`data/sample/iati/dportal-covid19-2021_recipient-${c}.xml`), 'utf8');
    for (const m of xml.matchAll(/<sector\b[^>]*>/g)) {
      const v = /vocabulary="(\w+)"/.exec(m[0])?.[1] ?? '1';
      const code = /code="(\d+)"/.exec(m[0])?.[1];
      if (code && ((v === '1' && code.length === 5) || (v === '2' && code.length === 3))) codes.add(code.slice(0, 3));
    }
  }
  t.ok(codes.size > 25);
  for (const g of codes) t.ok(groups.has(g), `DAC group ${g} is in the crosswalk (mapped or unmapped)`);
});

t.test('sdg-match: targets on both sides, evidence "SDG x on both"', async (t) => {
  const [act] = await queryRows<{ id: string; sdg_targets: string[] }>(
    db,
    sql`select iati_identifier as id, sdg_targets from activities where 'KE' = any(country_codes) and cardinality(sdg_targets) > 0 order by iati_identifier limit 1`,
  );
  t.ok(act, 'a Kenyan activity tagged with SDG targets');
  const target = act!.sdg_targets[0]!;
  const pairs = suggest(
    [{ id: act!.id, narratives: [{ kind: 'title', lang: 'en', text: 'Unrelated words entirely' }], dacCodes: [], sdgTargets: act!.sdg_targets, sdgGoals: [] }],
    [
      { id: 'r-target', text: 'Something else altogether', themes: [], sdgTargets: [target.toUpperCase()], sdgGoals: [] },
      { id: 'r-none', text: 'Nothing shared here', themes: [], sdgTargets: ['17.19'], sdgGoals: [] },
    ],
  ).pairs;
  t.same(pairs.map((p) => p.recommendationId), ['r-target']);
  t.same(pairs[0]!.methods, ['sdg-match']);
  t.equal(pairs[0]!.evidence['sdg-match']!.summary, `SDG ${target} on both`);
});

t.test('a run over the real Kenya data: report, known relevant pairs, no ratification suggestions', async (t) => {
  t.equal((await run({ country: 'KE' }, 'reader')).statusCode, 403, 'readers may not run');
  t.equal((await app.inject({ method: 'POST', url: '/v1/suggestions/runs', payload: { country: 'KE' } })).statusCode, 401);
  t.equal((await run({ country: 'KE', methods: ['nope'] })).statusCode, 400);

  const res = await run({ country: 'ke' });
  t.equal(res.statusCode, 201);
  const report = res.json();
  t.equal(report.country, 'KE');
  t.equal(report.pairsConsidered, 166 * 288, 'every pair of a Kenyan recommendation and an activity working in Kenya');
  t.ok(report.suggestionsStored > 0 && report.suggestionsStored <= 288 * 6);
  t.same(report.methods, ['sdg-match', 'sector-theme', 'text']);

  const items = await allOpen();
  t.equal(items.length, report.suggestionsStored);
  for (let i = 1; i < items.length; i++) t.ok(items[i - 1]!.score >= items[i]!.score, 'sorted by score, highest first');
  t.ok(items.every((s) => s.score >= 0 && s.score <= 1 && s.methods.length > 0 && s.recommendation.text.length > 0));
  const got = new Set(items.map((s) => key(s.activity.id, s.recommendation.id)));

  // Known relevant pairs, judged relevant with high confidence (test/fixtures/judgements/kenya.csv).
  const known = [
    ['SE-0-SE-6-11341A0102-KEN-15130', 'upr-ke-s08-fded70ef83a8', 'IDLO judiciary reform ↔ constitutional, judicial and police reforms'],
    ['SE-0-SE-6-11341A0102-KEN-15130', 'upr-ke-s08-a0a0ed6745d1', 'IDLO judiciary reform ↔ administration of justice policy'],
    ['GB-CHC-1076497-UKAid_Direct_Impact_DYDP-R3VN-XJ-Inclusive_Education_Kenya', 'upr-ke-s08-ca91ca82a5df', 'inclusive education ↔ special needs education policy'],
    ['SE-0-SE-6-14318A0102-KEN-14030', 'upr-ke-s08-6809f012d8ae', 'UNICEF WASH ↔ equitable distribution of water'],
    ['SE-0-SE-6-5111012603-KEN-16011', 'upr-ke-s08-a63d5aa81ac5', 'social protection ↔ anti-poverty programmes'],
    ['CA-3-P001066002', 'upr-ke-s08-e4e92843314a', 'maternal health services ↔ reproductive health for pregnant women'],
  ] as const;
  for (const [a, r, what] of known) {
    const j = kenya.find((x) => x.activity === a && x.recommendation === r);
    t.ok(j?.relevant && j.confidence === 'high', `judged relevant: ${what}`);
    t.ok(got.has(key(a, r)), `suggested: ${what}`);
  }
  // Scored under 0.5 (two shared words and a Justice row), kept because the activity's title names what the
  // recommendation asks about — the judiciary's reform (rules 1-2, the main-purpose gate of the fifteenth round).
  const judiciary = kenya.find((x) => x.activity === 'SE-0-SE-6-11341A0101-KEN-15130' && x.recommendation === 'upr-ke-s08-292ec1153bc1');
  t.ok(judiciary?.relevant, 'judged relevant: IDLO judiciary reform ↔ reform of the judicial system');
  const low = items.find((s) => s.activity.id === 'SE-0-SE-6-11341A0101-KEN-15130' && s.recommendation.id === 'upr-ke-s08-292ec1153bc1');
  t.ok(low && low.score < 0.5, `suggested under 0.5 (${low?.score})`);

  // Pairs judged irrelevant with high confidence: none of them is suggested.
  const hcIrrelevant = kenya.filter((j) => !j.relevant && j.confidence === 'high');
  // Re-judging rounds only add pairs: 252 after the fourth round, more after each later one.
  t.ok(hcIrrelevant.length >= 252, `the Kenyan pairs judged irrelevant with high confidence (${hcIrrelevant.length})`);
  const wrong = hcIrrelevant.filter((j) => got.has(key(j.activity, j.recommendation)));
  // Earlier rounds listed the few such pairs the engine still suggested (three after the second round); budget
  // support read anywhere in the text, instrument titles not taken for the recommendation's object (rules 1-2) and
  // specific issues (rule 6) removed them. (In-sample: the engine was tuned on these Kenyan judgements.) The fifth
  // round's broad-field rule brought one back (AFD's sanitation work in Nairobi against "equitable distribution of
  // water and food"); water and sanitation as two deliveries removed it.
  t.same(wrong.map((j) => `${j.activity} ↔ ${j.recommendation}`), [], 'no pair judged irrelevant with high confidence is suggested');

  // "Ratify …" is never supported by an activity that does not work on ratification.
  const ratify = items.filter((s) => recommendationKind(s.recommendation.text) === 'ratify');
  t.same(ratify, [], 'no ratification recommendation is suggested for the bundled activities');

  // Evidence: one line per method that found the pair.
  const withText = items.find((s) => s.methods.includes('text'))!;
  t.match(withText.evidence.text!.summary, /^shared terms: /);
  const withSector = items.find((s) => s.methods.includes('sector-theme'))!;
  t.match(withSector.evidence['sector-theme']!.summary, /^DAC \d{3,5} ↔ /);

  // Filters.
  const method = await list('country=KE&method=text&limit=500');
  t.ok(method.items.every((s) => s.methods.includes('text')));
  const min = await list('country=KE&minScore=0.6&limit=500');
  t.ok(min.items.every((s) => s.score >= 0.6));
  const one = items[0]!;
  t.ok((await list(`activity=${encodeURIComponent(one.activity.id)}`)).items.every((s) => s.activity.id === one.activity.id));
  t.ok((await list(`recommendation=${one.recommendation.id}`)).items.every((s) => s.recommendation.id === one.recommendation.id));
  t.equal((await list('country=KE&status=accepted')).total, 0);
  t.equal((await app.inject({ method: 'GET', url: '/v1/suggestions?minScore=2' })).statusCode, 400);

  // Suggestions are not links.
  const links = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from links`);
  t.equal(links[0]!.n, 0, 'a run makes no link');
});

t.test('accept makes a link with the suggestion\'s provenance; reject stays rejected across runs', async (t) => {
  await run({ country: 'KE' });
  const items = await allOpen();
  const [toAccept, toReject] = [items[0]!, items[1]!];

  t.equal((await app.inject({ method: 'POST', url: `/v1/suggestions/${toAccept.id}/accept`, headers: auth.reader, payload: {} })).statusCode, 403);
  const acc = await app.inject({ method: 'POST', url: `/v1/suggestions/${toAccept.id}/accept`, headers: auth.editor, payload: { weight: 0.5 } });
  t.equal(acc.statusCode, 201);
  const { suggestion, link } = acc.json();
  t.equal(suggestion.status, 'accepted');
  t.equal(suggestion.linkId, link.id);
  t.equal(link.status, 'accepted');
  t.equal(link.method, toAccept.methods.join('+'), "the link's method is the suggestion's methods");
  t.equal(link.confidence, toAccept.score);
  t.equal(link.suggestionId, toAccept.id);
  t.equal(link.weight, 0.5);
  t.equal(link.activity, toAccept.activity.id);
  t.equal(link.recommendation, toAccept.recommendation.id);
  for (const m of toAccept.methods) t.equal(link.evidence[m].summary, toAccept.evidence[m]!.summary, `evidence of ${m} carried over`);
  t.match(link.rationale, /Accepted from a machine suggestion/);
  t.equal((await app.inject({ method: 'POST', url: `/v1/suggestions/${toAccept.id}/accept`, headers: auth.editor, payload: {} })).statusCode, 409, 'decided already');

  t.equal((await app.inject({ method: 'POST', url: `/v1/suggestions/${toReject.id}/reject`, headers: auth.editor, payload: {} })).statusCode, 400, 'a reason is required');
  const rej = await app.inject({ method: 'POST', url: `/v1/suggestions/${toReject.id}/reject`, headers: auth.editor, payload: { reason: 'The activity does not work on this.' } });
  t.equal(rej.statusCode, 200);
  t.equal(rej.json().status, 'rejected');
  t.equal(rej.json().decidedBy, 'test-editor');
  t.equal((await app.inject({ method: 'GET', url: '/v1/suggestions/nope' })).statusCode, 404);

  // A re-run replaces open suggestions, keeps the decided ones, and proposes neither pair again.
  const again = (await run({ country: 'KE' })).json();
  t.ok(again.openReplaced > 0);
  const open = await allOpen();
  const pairs = new Set(open.map((s) => key(s.activity.id, s.recommendation.id)));
  t.notOk(pairs.has(key(toReject.activity.id, toReject.recommendation.id)), 'the rejected pair is not proposed again');
  t.notOk(pairs.has(key(toAccept.activity.id, toAccept.recommendation.id)), 'the linked pair is not proposed again');
  t.equal((await list('country=KE&status=rejected')).items[0]?.id, toReject.id, 'the rejection is kept');
  t.equal((await list('country=KE&status=accepted')).items[0]?.id, toAccept.id, 'the acceptance is kept');

  // Unless asked: includeRejected reopens it.
  await run({ country: 'KE', includeRejected: true });
  const reopened = (await list(`activity=${encodeURIComponent(toReject.activity.id)}&recommendation=${toReject.recommendation.id}`)).items;
  t.equal(reopened.length, 1);
  t.equal(reopened[0]!.status, 'open');
});
