import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pipeline, Readable } from 'node:stream';

/**
 * Lists answered as CSV: the same rows as the JSON list, one column per field.
 * Cells: null → empty, arrays joined with ';', objects as JSON text, numbers and booleans as written in JSON.
 */
export interface CsvColumn<T> {
  /** The header cell. */
  name: string;
  /** The cell's value; by default the row's property of the same name. */
  value?: (row: T) => unknown;
}

export const CSV_MEDIA_TYPE = 'text/csv';

/** One cell as text. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => csvCell(x)).join(';');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The media types of an Accept header with their q values, most preferred first. */
function acceptRanges(accept: string) {
  return accept
    .split(',')
    .map((part, i) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.type && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
}

/**
 * Content negotiation for lists: `format=csv` (or `format=json`) wins; otherwise CSV when the Accept header
 * prefers text/csv to JSON. A wildcard or no Accept header means JSON.
 */
export function wantsCsv(req: FastifyRequest, format?: string): boolean {
  if (format) return format === 'csv';
  const accept = req.headers.accept;
  if (!accept) return false;
  const first = acceptRanges(accept).find((r) => r.type === CSV_MEDIA_TYPE || r.type === 'application/json' || r.type.endsWith('/*'));
  return first?.type === CSV_MEDIA_TYPE;
}

/**
 * Answers with a CSV file: a header row, then one row per item. Rows may be an array or an async iterable,
 * so a long export is streamed page by page instead of held in memory.
 */
export function sendCsv<T>(
  reply: FastifyReply,
  rows: Iterable<T> | AsyncIterable<T>,
  columns: readonly CsvColumn<T>[],
  filename: string,
) {
  const cells = (row: T) =>
    columns.map((c) => csvCell(c.value ? c.value(row) : (row as Record<string, unknown>)[c.name]));
  async function* records() {
    for await (const row of rows) yield cells(row);
  }
  const out = stringify({ header: true, columns: columns.map((c) => c.name) });
  // A failure mid-stream (the database going away) destroys the response rather than sending a truncated file as whole.
  pipeline(Readable.from(records()), out, () => {});
  return reply
    .type(`${CSV_MEDIA_TYPE}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`)
    .send(out);
}

export interface CsvRecord {
  /** The 1-based line where the record starts (a quoted field may span lines). */
  line: number;
  /** Cells by header name. */
  cells: Record<string, string>;
}

/**
 * Parses a CSV text with a header row into records keyed by header, each with the line it starts on.
 * Rows of empty cells are skipped. Throws the parser's error (with `lines`) when the text is not CSV.
 */
export function parseCsvRecords(text: string): { header: string[]; records: CsvRecord[] } {
  const parsed = parse(text, { info: true, bom: true, relax_column_count: true, skip_empty_lines: true }) as unknown as {
    record: string[];
    info: { lines: number };
  }[];
  let header: string[] | undefined;
  const records: CsvRecord[] = [];
  let overcount = 0; // csv-parse counts a CRLF inside a quoted field as two lines
  for (const { record, info } of parsed) {
    let breaks = 0;
    for (const f of record) {
      if (!f.includes('\n') && !f.includes('\r')) continue;
      overcount += f.match(/\r\n/g)?.length ?? 0;
      breaks += f.match(/\r\n|\r|\n/g)?.length ?? 0;
    }
    const line = info.lines - overcount - breaks;
    if (!header) {
      header = record.map((h) => h.trim());
      continue;
    }
    if (record.every((f) => !f.trim())) continue;
    const cells: Record<string, string> = {};
    header.forEach((h, i) => {
      if (record[i] !== undefined) cells[h] = record[i]!;
    });
    // Cells beyond the header are kept under their position, so a caller can report them.
    for (let i = header.length; i < record.length; i++) if (record[i]!.trim()) cells[`#${i + 1}`] = record[i]!;
    records.push({ line, cells });
  }
  return { header: header ?? [], records };
}
