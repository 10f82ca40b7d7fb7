/**
 * Streaming readers of the two UHRI export formats. Each yields one UhriRaw per record with the record's
 * position (XLSX: its 1-based row; JSON: its 1-based index in the array), holding one record at a time.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../lib/errors.js';
import { FatalImportError } from '../run.js';
import { emptyRaw, fieldOfKey, isListField, splitCell, stripDash, type UhriField, type UhriRaw } from './fields.js';

export type UhriFormat = 'json' | 'xlsx';

export interface RawItem {
  /** XLSX: the sheet row. JSON: the position in the array (1-based). */
  position: number;
  raw: UhriRaw;
  /** Keys or columns this reader did not recognise (reported once per file by the importer). */
  unknownKeys?: string[];
}

/** The first bytes decide: a ZIP (PK\x03\x04) is an XLSX workbook; "[" (after a BOM and blanks) is JSON. */
export function sniffFormat(head: Buffer): UhriFormat | undefined {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'xlsx';
  const text = head.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  return undefined;
}

/** The stream's first chunk(s) (at least 8 bytes unless the stream is shorter), and a stream of all of it again. */
export async function peek(input: AsyncIterable<Buffer | string>): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 8) {
    const n = await it.next();
    if (n.done) {
      done = true;
      break;
    }
    const b = typeof n.value === 'string' ? Buffer.from(n.value) : n.value;
    taken.push(b);
    size += b.length;
  }
  async function* all() {
    yield* taken;
    if (done) return;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  }
  return { head: Buffer.concat(taken), stream: Readable.from(all(), { objectMode: false }) };
}

// ---------------------------------------------------------------- JSON

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(text).filter(Boolean)[0] ?? '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
function list(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' ? [stripDash(x)] : typeof x === 'number' ? [String(x)] : [])).filter(Boolean);
  return typeof v === 'string' ? splitCell(v) : typeof v === 'number' ? [String(v)] : [];
}

export function rawFromObject(obj: Record<string, unknown>): { raw: UhriRaw; unknownKeys: string[] } {
  const raw = emptyRaw();
  const unknownKeys: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    const f = fieldOfKey(k);
    if (!f) {
      unknownKeys.push(k);
      continue;
    }
    assign(raw, f, v);
  }
  return { raw, unknownKeys };
}

function assign(raw: UhriRaw, f: UhriField, v: unknown) {
  if (isListField(f)) (raw[f] as string[]) = list(v);
  else if (f === 'publicationDate') raw.publicationDate = typeof v === 'number' ? v : v instanceof Date ? v : text(v) || null;
  else (raw[f] as string) = text(v);
}

/** One element of the top-level array above this size is refused, so that memory stays flat. */
const MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

const notJson = (message: string) => new FatalImportError(`The file is not a UHRI JSON export (a JSON array of annotations): ${message}`);

/**
 * The elements of a top-level JSON array, one at a time, as their JSON text. A byte scanner finds where each
 * element ends (tracking strings, escapes and nesting), and JSON.parse reads it: several times faster than a
 * token-level streaming parser (stream-json reads this export at a few MB/s on the benchmark machine), with the
 * same flat memory (one element at a time).
 */
export async function* splitJsonArray(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let state: 'before' | 'between' | 'element' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectComma = false;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let first = true;
  let count = 0;
  for await (const raw of input) {
    let buf = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let start = state === 'element' ? 0 : -1;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
          parts.push(buf.subarray(start, i + 1));
          yield parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8');
          parts = [];
          partBytes = 0;
          state = 'between';
          expectComma = true;
          start = -1;
        }
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (state === 'before') {
        if (c !== 0x5b) throw notJson('it does not start with "[".');
        state = 'between';
      } else if (state === 'after') {
        throw notJson('there is more after the closing "]".');
      } else if (c === 0x5d) {
        state = 'after';
      } else if (c === 0x2c) {
        if (!expectComma) throw notJson(`a comma where element ${count + 1} should be.`);
        expectComma = false;
      } else if (expectComma) {
        throw notJson(`a missing comma after element ${count}.`);
      } else if (c === 0x7b) {
        count++;
        state = 'element';
        start = i;
        depth = 1;
      } else {
        throw notJson(`element ${count + 1} is not an object.`);
      }
    }
    if (state === 'element' && start >= 0) {
      parts.push(buf.subarray(start));
      partBytes += buf.length - start;
      if (partBytes > MAX_ELEMENT_BYTES) throw notJson(`element ${count} is larger than ${MAX_ELEMENT_BYTES / 1024 / 1024} MB.`);
    }
  }
  if ((state as string) === 'before') throw notJson('it is empty.');
  if ((state as string) !== 'after') throw notJson('it ends before the closing "]".');
}

/** The elements of the top-level JSON array, one at a time. */
export async function* readJson(input: Readable): AsyncGenerator<RawItem> {
  let position = 0;
  for await (const element of splitJsonArray(input)) {
    position++;
    let value: unknown;
    try {
      value = JSON.parse(element);
    } catch (e) {
      throw notJson(`record ${position}: ${(e as Error).message}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield { position, raw: emptyRaw(), unknownKeys: [] };
      continue;
    }
    const { raw, unknownKeys } = rawFromObject(value as Record<string, unknown>);
    yield { position, raw, unknownKeys };
  }
}

// ---------------------------------------------------------------- XLSX

/** The text of an exceljs cell value (string, number, rich text, hyperlink, formula result, date). */
function cellValue(v: unknown): string | number | Date | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellValue(o.text);
    if (o.result !== undefined) return cellValue(o.result);
  }
  return null;
}
const cellText = (v: string | number | Date | null) => (v === null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

const REQUIRED: UhriField[] = ['annotationId', 'text', 'body', 'countries'];

/** The rows of the first worksheet, the header row naming the columns (exceljs streaming reader). */
export async function* readXlsx(input: Readable): AsyncGenerator<RawItem> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let columns: (UhriField | undefined)[] | null = null;
  let unknown: string[] = [];
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      if (sheets++ > 0) break; // the export has one sheet; others (notes, pivots) are not records
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]).map(cellValue);
        if (!columns) {
          const header = values.map((v) => cellText(v).trim());
          const found = header.map((h) => (h ? fieldOfKey(h) : undefined));
          if (!found.includes('annotationId')) continue; // title rows above the header
          const missing = REQUIRED.filter((f) => !found.includes(f));
          if (missing.length) {
            throw new FatalImportError(
              `This is not a UHRI export: column(s) for ${missing.join(', ')} missing from the header row ${row.number}.`,
              row.number,
            );
          }
          columns = found;
          unknown = header.filter((h, i) => h && !found[i]);
          continue;
        }
        if (values.every((v) => v === null || cellText(v).trim() === '')) continue;
        const raw = emptyRaw();
        columns.forEach((f, i) => {
          if (!f) return;
          const v = values[i] ?? null;
          if (isListField(f)) (raw[f] as string[]) = splitCell(cellText(v));
          else if (f === 'publicationDate') raw.publicationDate = typeof v === 'string' ? v.trim() || null : v;
          else if (f === 'text') raw.text = cellText(v);
          else (raw[f] as string) = stripDash(cellText(v));
        });
        yield { position: row.number, raw, unknownKeys: unknown };
        unknown = [];
      }
    }
  } catch (e) {
    if (e instanceof FatalImportError || e instanceof AppError) throw e;
    throw new FatalImportError(`The file is not a readable XLSX workbook: ${(e as Error).message}`);
  }
  if (!columns) throw new FatalImportError('This is not a UHRI export: no header row with "OHCHR Annotation Id" in the first sheet.');
}
