/**
 * UPR Info "Database of UPR Recommendations" CSV exports (columns To, To-Rgrp, To-Org, Text, From,
 * From-Rgrp, From-Org, Response, Action, Issue, Session). See data/sample and DOMAIN.md.
 *
 * - Encoding: utf-8, macroman (Excel for Mac exports, CR line endings) or windows-1252; detected when not
 *   given. Decoding is strict: a UTF-8 file with a bad byte is rejected, never imported as mojibake.
 * - Identity: a recommendation's id is derived from its content (State under review, session, recommending
 *   State, normalised text), so re-importing the same or a re-encoded file finds the same rows.
 */
import { createHash } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { csvFatal } from './csv.js';
import { upsertRecommendationSources } from './recommendation-sources.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { recommendations, recommendationSources } from '../db/schema.js';
import { bundledCountryResolver, type CountryResolver } from './reference.importer.js';
import { findUprTwins, mergedThemesSql } from './uhri/merge.js';
import { FatalImportError, type ImportContext, type Importer, type Outcome, type Parsed, type Problem } from './run.js';

export const UPR_ENCODINGS = ['utf-8', 'macroman', 'windows-1252'] as const;
export type UprEncoding = (typeof UPR_ENCODINGS)[number];

export interface UprInfoOptions {
  /** The file's encoding; detected when absent (see detectEncoding). */
  encoding?: UprEncoding;
  /** Country-name resolver; defaults to the bundled alias table (the one loadReferenceData writes). */
  resolveCountry?: CountryResolver;
}

export interface UprRecord {
  id: string;
  country: string;
  mechanism: 'UPR';
  body: 'UPR';
  session: number;
  cycle: number;
  response: 'supported' | 'noted' | 'supported_in_part';
  actionCategory: number | null;
  recommendingStates: string[];
  recommendingStateNames: string[];
  themes: string[];
  text: string;
  contentHash: string;
  /** Set when the same recommendation already appeared earlier in the file (that line): not written again. */
  duplicateOfLine?: number;
}

const IMPORTER = 'upr-info';
const REQUIRED_COLUMNS = ['To', 'Text', 'From', 'Response', 'Session'] as const;
const KNOWN_COLUMNS = ['To', 'To-Rgrp', 'To-Org', 'Text', 'From', 'From-Rgrp', 'From-Org', 'Response', 'Action', 'Issue', 'Session'];
const UNKNOWN_STATE = '(Unknown)';
const SNIFF_BYTES = 64 * 1024;

// ---------------------------------------------------------------- text helpers

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„', hellip: '…', laquo: '«', raquo: '»',
  deg: '°', middot: '·', bull: '•', euro: '€', copy: '©', reg: '®', trade: '™', sect: '§', para: '¶',
  iexcl: '¡', iquest: '¿', ordf: 'ª', ordm: 'º', szlig: 'ß', aelig: 'æ', AElig: 'Æ', oelig: 'œ', OElig: 'Œ',
  oslash: 'ø', Oslash: 'Ø', aring: 'å', Aring: 'Å', eth: 'ð', ETH: 'Ð', thorn: 'þ', THORN: 'Þ',
};
const ACCENTS: Record<string, string> = { acute: '\u0301', grave: '\u0300', circ: '\u0302', uml: '\u0308', tilde: '\u0303', cedil: '\u0327' };

/** Decodes HTML character references (numeric, and the named ones UPR Info-like exports use). Unknown ones stay. */
export function decodeHtmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    const named = NAMED_ENTITIES[ref];
    if (named) return named;
    const m = /^([A-Za-z])(acute|grave|circ|uml|tilde|cedil)$/.exec(ref);
    return m ? (m[1]! + ACCENTS[m[2]!]!).normalize('NFC') : whole;
  });
}

/** The stored form of a text: entities decoded, NFC, whitespace collapsed and trimmed. */
export const cleanText = (s: string) => decodeHtmlEntities(s).normalize('NFC').replace(/\s+/g, ' ').trim();

/** The form texts are compared in for identity: NFKC, lower case, whitespace collapsed, trailing punctuation dropped. */
export const identityText = (s: string) =>
  cleanText(s)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.,;:!?…]+$/u, '')
    .trim();

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The content-derived id: `upr-ke-s08-` + 12 hex of sha256(country|session|recommending State|text). */
export function uprRecommendationId(country: string, session: number, recommendingState: string | null, text: string) {
  const key = `${country}|${session}|${recommendingState ?? 'unknown'}|${identityText(text)}`;
  return `upr-${country.toLowerCase()}-s${String(session).padStart(2, '0')}-${sha256(key).slice(0, 12)}`;
}

export const cycleOfSession = (session: number) => (session <= 12 ? 1 : session <= 26 ? 2 : session <= 40 ? 3 : 4);

const RESPONSES: Record<string, UprRecord['response']> = {
  accepted: 'supported',
  supported: 'supported',
  noted: 'noted',
  'supported in part': 'supported_in_part',
  'partially supported': 'supported_in_part',
  'partially accepted': 'supported_in_part',
  'accepted in part': 'supported_in_part',
};

// ---------------------------------------------------------------- decoding

const DECODER_LABEL: Record<UprEncoding, string> = { 'utf-8': 'utf-8', macroman: 'macintosh', 'windows-1252': 'windows-1252' };

function firstHighByte(buf: Buffer): number {
  const m = /[\x80-\xff]/.exec(buf.toString('latin1'));
  return m ? m.index : -1;
}

function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i >= 0; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

function countLineEnds(buf: Buffer, acc: { cr: number; lf: number }) {
  acc.cr += countByte(buf, 0x0d);
  acc.lf += countByte(buf, 0x0a);
}

/**
 * The encoding of a sample of the file: a UTF-8 BOM or valid UTF-8 → utf-8; otherwise CR-only line endings
 * (Excel for Mac) → macroman, else windows-1252. `complete` says the sample is the whole file (else a
 * multi-byte sequence cut at the end of the sample is not held against UTF-8).
 */
export function detectEncoding(sample: Buffer, complete = false, lineEnds = { cr: 0, lf: 0 }): UprEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
    return 'utf-8';
  } catch {
    const acc = { ...lineEnds };
    countLineEnds(sample, acc);
    return acc.cr > 0 && acc.lf === 0 ? 'macroman' : 'windows-1252';
  }
}

/** Index of the first byte that is not valid UTF-8 (buf starts on a character boundary). */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n: number;
    let min: number;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { n = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { n = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined) return i; // cut at the end
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return buf.length;
}

/** The bytes of an incomplete UTF-8 sequence at the end of buf (valid UTF-8 so far). */
function incompleteUtf8Tail(buf: Buffer): Buffer {
  for (let k = 1; k <= Math.min(3, buf.length); k++) {
    const b = buf[buf.length - k]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? buf.subarray(buf.length - k) : Buffer.alloc(0);
  }
  return Buffer.alloc(0);
}

const notUtf8 = (byte: number, detected: boolean) =>
  new FatalImportError(
    `The file is not valid UTF-8 at byte ${byte}${detected ? ' (its first non-ASCII bytes looked like UTF-8)' : ''}; ` +
      'pass encoding=macroman or windows-1252, or save the file as UTF-8.',
  );

/**
 * Decodes the byte stream to text. With no encoding given, ASCII passes through until the first non-ASCII
 * byte (ASCII reads the same in all three encodings); the encoding is then detected from the next 64 KB
 * (and the line endings seen so far), so a file whose first non-ASCII byte lies far in still decodes right.
 */
export async function* decodeStream(
  input: AsyncIterable<Buffer | string>,
  forced?: UprEncoding,
  onEncoding?: (encoding: UprEncoding, detected: boolean) => void,
): AsyncGenerator<string> {
  let encoding: UprEncoding | undefined = forced;
  let decoder = forced ? new TextDecoder(DECODER_LABEL[forced], { fatal: forced === 'utf-8' }) : null;
  if (forced) onEncoding?.(forced, false);
  let offset = 0; // bytes handed to the decoder (or passed through as ASCII)
  let carry: Buffer = Buffer.alloc(0); // utf-8: an incomplete sequence held by the decoder
  const lineEnds = { cr: 0, lf: 0 };
  let window: Buffer[] = [];
  let windowBytes = 0;

  const decode = (chunk: Buffer): string => {
    if (encoding !== 'utf-8') {
      offset += chunk.length;
      return decoder!.decode(chunk, { stream: true });
    }
    let out: string;
    try {
      out = decoder!.decode(chunk, { stream: true });
    } catch {
      const joined = Buffer.concat([carry, chunk]);
      throw notUtf8(offset - carry.length + firstInvalidUtf8(joined), !forced);
    }
    const joined = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    carry = incompleteUtf8Tail(joined);
    offset += chunk.length;
    return out;
  };
  const decide = (sample: Buffer, complete: boolean) => {
    encoding = detectEncoding(sample, complete, lineEnds);
    decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: encoding === 'utf-8' });
    onEncoding?.(encoding, true);
  };

  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (encoding) {
      const s = decode(chunk);
      if (s) yield s;
      continue;
    }
    if (windowBytes === 0) {
      const i = firstHighByte(chunk);
      const ascii = i < 0 ? chunk : chunk.subarray(0, i);
      countLineEnds(ascii, lineEnds);
      offset += ascii.length;
      if (ascii.length) yield ascii.toString('latin1');
      if (i < 0) continue;
      window.push(chunk.subarray(i));
      windowBytes += chunk.length - i;
    } else {
      window.push(chunk);
      windowBytes += chunk.length;
    }
    if (windowBytes >= SNIFF_BYTES) {
      const sample = Buffer.concat(window);
      window = [];
      decide(sample, false);
      const s = decode(sample);
      if (s) yield s;
    }
  }
  if (!encoding) {
    if (!windowBytes) {
      onEncoding?.('utf-8', true); // pure ASCII: all three read the same
      return;
    }
    const sample = Buffer.concat(window);
    decide(sample, true);
    const s = decode(sample);
    if (s) yield s;
  }
  let rest: string;
  try {
    rest = decoder!.decode();
  } catch {
    throw notUtf8(offset - carry.length, !forced);
  }
  if (rest) yield rest;
}

// ---------------------------------------------------------------- parsing

interface Columns {
  [name: string]: number | undefined;
}

function readHeader(fields: string[]): Columns {
  const cols: Columns = {};
  fields.forEach((f, i) => {
    const name = f.replace(/^\uFEFF/, '').trim();
    const known = KNOWN_COLUMNS.find((k) => k.toLowerCase() === name.toLowerCase());
    if (known && cols[known] === undefined) cols[known] = i;
  });
  const missing = REQUIRED_COLUMNS.filter((c) => cols[c] === undefined);
  if (missing.length) {
    throw new FatalImportError(
      `This is not a UPR Info export: column(s) ${missing.join(', ')} missing from the header ` +
        `(expected ${KNOWN_COLUMNS.join(', ')}).`,
      1,
    );
  }
  return cols;
}

export function uprInfoImporter(opts: UprInfoOptions = {}): Importer<UprRecord> {
  return {
    kind: IMPORTER,
    batchSize: 1000,

    async *parse(input: Readable, _ctx: ImportContext): AsyncIterable<Parsed<UprRecord>> {
      const resolver = opts.resolveCountry ?? bundledCountryResolver();
      const memo = new Map<string, string | undefined>();
      const resolve: CountryResolver = (name) => {
        if (!memo.has(name)) memo.set(name, resolver(name));
        return memo.get(name);
      };
      const parser = parseCsv({ info: true, relax_column_count: true, skip_empty_lines: true });
      // Errors of the source (size limit, decoding) reach the iteration below through the parser.
      pipeline(Readable.from(decodeStream(input, opts.encoding)), parser, () => {});

      let cols: Columns | null = null;
      let width = 0;
      let overcount = 0; // csv-parse counts a CRLF inside a quoted field as two lines
      const seen = new Map<string, { line: number; hash: string }>();
      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
          let breaks = 0;
          for (const f of record) {
            if (f.length < 2 || (!f.includes('\n') && !f.includes('\r'))) continue;
            overcount += f.match(/\r\n/g)?.length ?? 0;
            breaks += f.match(/\r\n|\r|\n/g)?.length ?? 0;
          }
          const line = info.lines - overcount - breaks;
          if (!cols) {
            cols = readHeader(record);
            width = record.length;
            continue;
          }
          if (record.every((f) => !f.trim())) continue; // a row of empty cells (spreadsheet exports)
          const parsed = toRecord(record, line, cols, width, resolve);
          const r = parsed.record;
          if (r) {
            const first = seen.get(r.id);
            if (first) {
              r.duplicateOfLine = first.line;
              parsed.problems.push({
                severity: 'warning',
                message:
                  `line ${line} repeats the recommendation of line ${first.line} (${r.id})` +
                  (first.hash === r.contentHash ? '' : ' with other values (Response, Action or Issue); the first is kept') +
                  '; not imported again.',
              });
            } else seen.set(r.id, { line, hash: r.contentHash });
          }
          yield parsed;
        }
      } catch (e) {
        throw csvFatal(e);
      }
      if (!cols) throw new FatalImportError('The file is empty: no header row.');
    },

    async writeBatch(tx: Db, batch: Parsed<UprRecord>[], ctx: ImportContext): Promise<Outcome[]> {
      const records = batch.map((p) => p.record!);
      const fresh = records.filter((r) => r.duplicateOfLine === undefined);
      if (!fresh.length) return records.map(() => 'unchanged');
      // What this importer wrote before, and where (a recommendation merged with UHRI's keeps its first id).
      const stored = new Map(
        (
          await tx
            .select({ ref: recommendationSources.sourceRef, id: recommendationSources.recommendationId, contentHash: recommendationSources.contentHash })
            .from(recommendationSources)
            .where(and(eq(recommendationSources.importer, IMPORTER), inArray(recommendationSources.sourceRef, fresh.map((r) => r.id))))
        ).map((s) => [s.ref, s]),
      );
      const unseen = fresh.filter((r) => !stored.has(r.id));
      if (unseen.length) {
        // Rows written before sources carried the hash of this importer are found by id; the rest may be
        // UHRI's twins of a recommendation (see uhri/merge.ts).
        const legacy = await tx
          .select({ id: recommendations.id, contentHash: recommendations.contentHash })
          .from(recommendations)
          .where(inArray(recommendations.id, unseen.map((r) => r.id)));
        for (const l of legacy) stored.set(l.id, { ref: l.id, id: l.id, contentHash: l.contentHash });
      }
      const seek = unseen.filter((r) => !stored.has(r.id) && r.recommendingStates.length);
      const twins = await findUprTwins(
        tx,
        seek.map((r) => ({ country: r.country, session: r.session, recommendingStates: r.recommendingStates, text: r.text })),
        IMPORTER,
      );
      const twinOf = new Map(seek.map((r, i) => [r.id, twins[i]]));
      const target = new Map<string, string>();
      const outcomes = records.map((r): Outcome => {
        if (r.duplicateOfLine !== undefined) return 'unchanged';
        const s = stored.get(r.id);
        if (s) {
          target.set(r.id, s.id);
          return s.contentHash === r.contentHash ? 'unchanged' : 'updated';
        }
        const twin = twinOf.get(r.id);
        target.set(r.id, twin ?? r.id);
        if (!twin) return 'inserted';
        ctx.count('matched');
        return 'updated';
      });
      const changed = records.filter((_, i) => outcomes[i] === 'inserted' || outcomes[i] === 'updated');
      // One parameter per statement (the batch as JSON, unpacked by the server): much faster than
      // thousands of bound parameters, and the same SQL on PostgreSQL and PGlite.
      if (changed.length) {
        const rows = JSON.stringify(
          changed.map((r) => ({
            id: target.get(r.id),
            country: r.country,
            mechanism: r.mechanism,
            body: r.body,
            session: r.session,
            cycle: r.cycle,
            response: r.response,
            action_category: r.actionCategory,
            recommending_states: r.recommendingStates,
            recommending_state_names: r.recommendingStateNames,
            themes: r.themes,
            text: r.text,
            content_hash: r.contentHash,
          })),
        );
        await tx.execute(sql`
          insert into recommendations (id, country, mechanism, body, session, cycle, response, action_category,
            recommending_states, recommending_state_names, themes, text, content_hash, import_run_id)
          select id, country, mechanism, body, session, cycle, response, action_category,
            recommending_states, recommending_state_names, themes, text, content_hash, ${ctx.runId}
          from jsonb_to_recordset(${rows}::jsonb) as x(id text, country text, mechanism text, body text,
            session integer, cycle integer, response text, action_category integer, recommending_states text[],
            recommending_state_names text[], themes text[], text text, content_hash text)
          on conflict (id) do update set
            country = excluded.country, mechanism = excluded.mechanism, body = excluded.body,
            session = excluded.session, cycle = excluded.cycle, response = excluded.response,
            action_category = excluded.action_category, recommending_states = excluded.recommending_states,
            recommending_state_names = excluded.recommending_state_names,
            themes = ${mergedThemesSql(sql`excluded.id`, IMPORTER, sql`excluded.themes`)},
            text = excluded.text, content_hash = excluded.content_hash, import_run_id = excluded.import_run_id,
            updated_at = now()`);
      }
      // The source row of every record (also of unchanged ones, in case it is missing); a no-op when current.
      await upsertRecommendationSources(
        tx,
        IMPORTER,
        ctx.runId,
        fresh.map((r) => ({ id: target.get(r.id), ref: r.id, contentHash: r.contentHash, themes: r.themes })),
      );
      return outcomes;
    },
  };
}


function toRecord(fields: string[], line: number, cols: Columns, width: number, resolve: CountryResolver): Parsed<UprRecord> {
  const problems: Problem[] = [];
  const err = (field: string | undefined, message: string) => problems.push({ severity: 'error', field, message });
  const get = (name: string) => {
    const i = cols[name];
    return i === undefined ? '' : (fields[i] ?? '');
  };
  if (fields.length !== width) err(undefined, `expected ${width} fields, found ${fields.length}`);

  const toName = cleanText(get('To'));
  const country = toName ? resolve(toName) : undefined;
  if (!toName) err('To', 'the State under review is empty');
  else if (!country) err('To', `unknown State under review "${toName}" (not in the country alias table)`);

  const fromName = cleanText(get('From'));
  let fromCode: string | null = null;
  if (!fromName) err('From', 'the recommending State is empty');
  else if (fromName !== UNKNOWN_STATE) {
    fromCode = resolve(fromName) ?? null;
    if (!fromCode) err('From', `unknown recommending State "${fromName}" (not in the country alias table)`);
  }

  const sessionRaw = get('Session').trim();
  const session = /^\d+$/.test(sessionRaw) ? Number(sessionRaw) : NaN;
  if (!(session >= 1 && session <= 54)) err('Session', `session "${sessionRaw}" is not a UPR session number (1–54)`);

  const responseRaw = cleanText(get('Response'));
  const response = RESPONSES[responseRaw.toLowerCase()];
  if (!response) err('Response', `response "${responseRaw}" is not Accepted/Supported, Noted or Supported in part`);

  const actionRaw = get('Action').trim();
  let actionCategory: number | null = null;
  if (actionRaw) {
    if (/^[1-5]$/.test(actionRaw)) actionCategory = Number(actionRaw);
    else err('Action', `action category "${actionRaw}" is not 1–5`);
  }

  const themes = [...new Set(decodeHtmlEntities(get('Issue')).split(',').map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean))];

  const text = cleanText(get('Text'));
  if (!text) err('Text', 'the recommendation text is empty');

  const recordId = country && text && session >= 1 && session <= 54 ? uprRecommendationId(country, session, fromCode, text) : undefined;
  if (problems.length || !recordId || !country || !response) return { line, recordId, problems };

  const content = {
    country,
    mechanism: 'UPR' as const,
    body: 'UPR' as const,
    session,
    cycle: cycleOfSession(session),
    response,
    actionCategory,
    recommendingStates: fromCode ? [fromCode] : [],
    recommendingStateNames: [fromName],
    themes,
    text,
  };
  return {
    line,
    recordId,
    record: { id: recordId, ...content, contentHash: sha256(JSON.stringify(content)) },
    problems,
  };
}
