/**
 * The UHRI export's fields, as both formats give them, and their mapping onto a recommendation (DOMAIN.md, UHRI).
 * Pure functions: no database, no streams. The readers (read-json.ts, read-xlsx.ts) turn a JSON object or an
 * XLSX row into a UhriRaw; toUhriRecord maps it.
 */
import { createHash } from 'node:crypto';
import { normaliseSdgTarget } from '../iati/normalise.js';
import type { CountryResolver } from '../reference.importer.js';
import type { Problem } from '../run.js';
import { cleanText, cycleOfSession, decodeHtmlEntities } from '../upr-info.importer.js';

/** One record of either format, multi-value cells split and "- " prefixes dropped; nothing interpreted yet. */
export interface UhriRaw {
  annotationId: string;
  text: string;
  symbol: string;
  documentId: string;
  /** ISO date text, an Excel serial (number or numeric text), a Date (XLSX date cells) or empty. */
  publicationDate: string | number | Date | null;
  annotationType: string;
  body: string;
  countries: string[];
  regions: string[];
  themes: string[];
  affectedPersons: string[];
  sdgs: string[];
  uprSession: string;
  uprRecommendingStates: string[];
  uprPosition: string;
}
export type UhriField = keyof UhriRaw;

/** The name each field has in each format, for problems ("field" names what the user sees in the file). */
export const FIELD_NAMES: Record<'json' | 'xlsx', Record<UhriField, string>> = {
  json: {
    annotationId: 'AnnotationId',
    text: 'Text',
    symbol: 'Symbol',
    documentId: 'DocumentId',
    publicationDate: 'PublicationDate',
    annotationType: 'AnnotationType',
    body: 'Body',
    countries: 'Countries',
    regions: 'Regions',
    themes: 'Themes',
    affectedPersons: 'AffectedPersons',
    sdgs: 'Sdgs',
    uprSession: 'UprSession',
    uprRecommendingStates: 'UprRecommendingStates',
    uprPosition: 'UprPosition',
  },
  xlsx: {
    annotationId: 'OHCHR Annotation Id',
    text: 'Text',
    symbol: 'Document Symbol',
    documentId: 'Document Id',
    publicationDate: 'Document Publication Date',
    annotationType: 'Type',
    body: 'Reccomending Body',
    countries: 'Countries Concerned',
    regions: 'Regions Concerned',
    themes: 'Themes',
    affectedPersons: 'Affected Persons',
    sdgs: 'Sdgs',
    uprSession: 'UPR Session',
    uprRecommendingStates: 'UPR Reccomending States',
    uprPosition: 'UPR Position',
  },
};

/**
 * Every spelling of a field name, in the normalised form of normaliseKey (lower case, letters and digits only):
 * the JSON keys, the XLSX headers (OHCHR's "Reccomending" and the corrected spelling) and obvious variants.
 */
const KEY_ALIASES: Record<string, UhriField> = {};
const alias = (field: UhriField, ...names: string[]) => names.forEach((n) => (KEY_ALIASES[n] = field));
alias('annotationId', 'annotationid', 'ohchrannotationid', 'id');
alias('text', 'text');
alias('symbol', 'symbol', 'documentsymbol');
alias('documentId', 'documentid');
alias('publicationDate', 'publicationdate', 'documentpublicationdate');
alias('annotationType', 'annotationtype', 'type');
alias('body', 'body', 'reccomendingbody', 'recommendingbody');
alias('countries', 'countries', 'countriesconcerned');
alias('regions', 'regions', 'regionsconcerned');
alias('themes', 'themes');
alias('affectedPersons', 'affectedpersons');
alias('sdgs', 'sdgs');
alias('uprSession', 'uprsession', 'session');
alias('uprRecommendingStates', 'uprreccomendingstates', 'uprrecommendingstates', 'reccomendingstates', 'recommendingstates');
alias('uprPosition', 'uprposition', 'position');

export const normaliseKey = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, '');
export const fieldOfKey = (k: string): UhriField | undefined => KEY_ALIASES[normaliseKey(k)];

const LIST_FIELDS = new Set<UhriField>(['countries', 'regions', 'themes', 'affectedPersons', 'sdgs', 'uprRecommendingStates']);
export const isListField = (f: UhriField) => LIST_FIELDS.has(f);

/** "- Kenya" → "Kenya"; a single-value cell keeps its text. */
export const stripDash = (s: string) => s.replace(/^\s*-\s+/, '').trim();

/** A multi-value XLSX cell: newline-separated, each value with a "- " prefix. */
export function splitCell(s: string): string[] {
  return s
    .split(/\r\n|\r|\n/)
    .map(stripDash)
    .filter(Boolean);
}

export function emptyRaw(): UhriRaw {
  return {
    annotationId: '',
    text: '',
    symbol: '',
    documentId: '',
    publicationDate: null,
    annotationType: '',
    body: '',
    countries: [],
    regions: [],
    themes: [],
    affectedPersons: [],
    sdgs: [],
    uprSession: '',
    uprRecommendingStates: [],
    uprPosition: '',
  };
}

// ---------------------------------------------------------------- mapping

export const TB_BODIES = ['CESCR', 'CCPR', 'CERD', 'CEDAW', 'CAT', 'SPT', 'CRC', 'CRC-OP-AC', 'CRC-OP-SC', 'CMW', 'CED', 'CRPD'] as const;

/** Other spellings of the Treaty Bodies (full names, protocol abbreviations), normalised with normaliseKey. */
const TB_ALIASES: Record<string, string> = {
  humanrightscommittee: 'CCPR',
  committeeoneconomicsocialandculturalrights: 'CESCR',
  committeeontheeliminationofracialdiscrimination: 'CERD',
  committeeontheeliminationofdiscriminationagainstwomen: 'CEDAW',
  committeeagainsttorture: 'CAT',
  subcommitteeonpreventionoftorture: 'SPT',
  committeeontherightsofthechild: 'CRC',
  crcopac: 'CRC-OP-AC',
  opac: 'CRC-OP-AC',
  crcopsc: 'CRC-OP-SC',
  opsc: 'CRC-OP-SC',
  committeeonmigrantworkers: 'CMW',
  committeeonenforceddisappearances: 'CED',
  committeeontherightsofpersonswithdisabilities: 'CRPD',
};
for (const code of TB_BODIES) TB_ALIASES[normaliseKey(code)] = code;

export type Mechanism = 'UPR' | 'TB' | 'SP';

/** `Body` → mechanism and body: UPR; a Treaty Body code; IE / WG / SR mandates (or marked Special Procedures) → SP. */
export function classifyBody(raw: string): { mechanism: Mechanism; body: string } | undefined {
  const body = stripDash(raw).replace(/\s+/g, ' ');
  if (!body) return undefined;
  const key = normaliseKey(body);
  if (key === 'upr' || key === 'universalperiodicreview') return { mechanism: 'UPR', body: 'UPR' };
  const tb = TB_ALIASES[key];
  if (tb) return { mechanism: 'TB', body: tb };
  const sp = /^(?:special procedures?\s*[:\-–]\s*)(.+)$/i.exec(body);
  if (sp) return { mechanism: 'SP', body: sp[1]!.trim() };
  if (/^(?:IE|WG|SR)\b/.test(body) || /^(?:special rapporteur|working group|independent expert)\b/i.test(body)) {
    return { mechanism: 'SP', body };
  }
  return undefined;
}

const BLOCK_TAGS = /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote)\b[^>]*>/gi;
export const looksLikeHtml = (s: string) => /<[a-zA-Z][^>]*>/.test(s);

/** The plain text of an HTML fragment: tags dropped (block tags as spaces), entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  return cleanText(decodeHtmlEntities(html.replace(BLOCK_TAGS, ' ').replace(/<[^>]*>/g, '')));
}

/**
 * The paragraph number at the start of a text, and the text after it: "96.21. Ratify…" → 96.21, "12. The
 * Committee…" → 12, "(a) Adopt…" → (a). A bare number needs its full stop ("2010 was…" is not a paragraph).
 */
export function splitParagraph(text: string): { paragraph: string | null; rest: string } {
  let m = /^(\d{1,4}(?:\.\d{1,4})+)\.?(?:\s+|(?=[A-Z(]))/.exec(text) ?? /^(\d{1,4})\.(?:\s+|(?=[A-Z(]))/.exec(text);
  if (m && m[0].length < text.length) return { paragraph: m[1]!, rest: text.slice(m[0].length).trim() };
  m = /^(\((?:[a-z]{1,4}|\d{1,2})\))\s+/.exec(text);
  if (m && m[0].length < text.length) return { paragraph: m[1]!, rest: text.slice(m[0].length).trim() };
  return { paragraph: null, rest: text };
}

/** Days since 1899-12-30 (Excel's epoch, which absorbs its 1900 leap-year bug) → ISO date. */
export function excelSerialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 61 || serial > 2_958_465) return undefined;
  return new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

/** A publication date of either format → ISO date; undefined when it is not one. */
export function parsePublicationDate(v: UhriRaw['publicationDate']): string | null | undefined {
  if (v === null || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  if (typeof v === 'number') return excelSerialToIso(v);
  const s = v.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return excelSerialToIso(Number(s));
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(s);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** "16.3 - Promote the rule of law…" → "16.3"; "SDG 4.a" → "4.a"; "5 - Gender equality" → goal "5". */
export function parseSdgLabel(label: string): { target?: string; goal?: string } | undefined {
  const m = /^\s*(?:SDG\s*)?(\d{1,2}(?:\.(?:\d{1,2}|[a-zA-Z]))?)(?=$|[\s:–—-])/.exec(label);
  if (!m) return undefined;
  if (m[1]!.includes('.')) {
    const target = normaliseSdgTarget(m[1]!);
    return target ? { target, goal: target.split('.')[0]! } : undefined;
  }
  const goal = Number(m[1]);
  return goal >= 1 && goal <= 17 ? { goal: String(goal) } : undefined;
}

const POSITIONS: Record<string, 'supported' | 'noted' | 'supported_in_part'> = {
  supported: 'supported',
  accepted: 'supported',
  noted: 'noted',
  'supported in part': 'supported_in_part',
  'partially supported': 'supported_in_part',
  'supported/noted': 'supported_in_part',
  'supported / noted': 'supported_in_part',
};

export interface UhriRecord {
  annotationId: string;
  country: string;
  mechanism: Mechanism;
  body: string;
  session: number | null;
  cycle: number | null;
  response: string | null;
  recommendingStates: string[];
  recommendingStateNames: string[];
  themes: string[];
  affectedPersons: string[];
  sdgTargets: string[];
  sdgGoals: string[];
  regions: string[];
  text: string;
  textHtml: string | null;
  documentSymbol: string | null;
  documentId: string | null;
  paragraph: string | null;
  annotationType: string | null;
  publishedOn: string | null;
  contentHash: string;
}

const uniq = (xs: string[]) => [...new Set(xs.map((x) => x.replace(/\s+/g, ' ').trim()).filter(Boolean))];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Maps one raw record; problems name the field as the file names it. */
export function toUhriRecord(raw: UhriRaw, format: 'json' | 'xlsx', resolve: CountryResolver): { record?: UhriRecord; problems: Problem[] } {
  const names = FIELD_NAMES[format];
  const problems: Problem[] = [];
  const err = (f: UhriField, message: string) => problems.push({ severity: 'error', field: names[f], message });
  const warn = (f: UhriField, message: string) => problems.push({ severity: 'warning', field: names[f], message });

  const annotationId = raw.annotationId.trim();
  if (!annotationId) err('annotationId', 'the annotation id is empty');

  const cls = classifyBody(raw.body);
  if (!raw.body.trim()) err('body', 'the body is empty');
  else if (!cls) err('body', `unknown body "${stripDash(raw.body)}" (not UPR, a Treaty Body code, or an IE / WG / SR mandate)`);

  const countryNames = uniq(raw.countries);
  const codes: string[] = [];
  for (const name of countryNames) {
    const code = resolve(name);
    if (code) codes.push(code);
    else err('countries', `unknown country "${name}" (not in the country alias table)`);
  }
  if (!countryNames.length) err('countries', 'no country concerned');
  else if (codes.length > 1 && new Set(codes).size > 1) {
    warn('countries', `${countryNames.length} countries concerned (${countryNames.join(', ')}); stored under the first, ${codes[0]}`);
  }

  const html = raw.text.trim();
  const plain = looksLikeHtml(html) ? htmlToText(html) : cleanText(html);
  const { paragraph, rest } = splitParagraph(plain);
  if (!rest) err('text', 'the text is empty');

  const publishedOn = parsePublicationDate(raw.publicationDate);
  if (publishedOn === undefined) err('publicationDate', `"${String(raw.publicationDate)}" is not a date (ISO date or Excel serial)`);

  const targets: string[] = [];
  const goals: string[] = [];
  for (const label of uniq(raw.sdgs)) {
    const sdg = parseSdgLabel(label);
    if (!sdg) {
      warn('sdgs', `"${label}" is not an SDG target of the UN list; left out`);
      continue;
    }
    if (sdg.target) targets.push(sdg.target);
    if (sdg.goal) goals.push(sdg.goal);
  }

  let session: number | null = null;
  let response: string | null = null;
  const recommendingStates: string[] = [];
  let recommendingStateNames: string[] = [];
  if (cls?.mechanism === 'UPR') {
    const s = /\d+/.exec(raw.uprSession);
    session = s ? Number(s[0]) : null;
    if (session === null || session < 1 || session > 200) err('uprSession', `UPR session "${raw.uprSession}" is not a session number`);
    recommendingStateNames = uniq(raw.uprRecommendingStates);
    for (const name of recommendingStateNames) {
      const code = resolve(name);
      if (code) recommendingStates.push(code);
      else err('uprRecommendingStates', `unknown recommending State "${name}" (not in the country alias table)`);
    }
    const position = stripDash(raw.uprPosition).toLowerCase().replace(/\s+/g, ' ');
    if (position) {
      response = POSITIONS[position] ?? null;
      if (!response) warn('uprPosition', `UPR position "${stripDash(raw.uprPosition)}" is not Supported, Noted or Supported in part; left empty`);
    }
  }

  if (problems.some((p) => p.severity === 'error') || !cls) return { problems };
  const content = {
    annotationId,
    country: codes[0]!,
    mechanism: cls.mechanism,
    body: cls.body,
    session,
    cycle: session === null ? null : cycleOfSession(session),
    response,
    recommendingStates: [...new Set(recommendingStates)],
    recommendingStateNames,
    themes: uniq(raw.themes),
    affectedPersons: uniq(raw.affectedPersons),
    sdgTargets: [...new Set(targets)],
    sdgGoals: [...new Set(goals)].sort((a, b) => Number(a) - Number(b)),
    regions: uniq(raw.regions),
    text: rest,
    textHtml: looksLikeHtml(html) ? html : null,
    documentSymbol: raw.symbol.trim() || null,
    documentId: raw.documentId.trim() || null,
    paragraph,
    annotationType: stripDash(raw.annotationType) || null,
    publishedOn: publishedOn ?? null,
  };
  return { record: { ...content, contentHash: sha256(JSON.stringify(content)) }, problems };
}
