/**
 * Reading a link import batch: the CSV export (header row) or its JSON (an array, or an object with `items`),
 * each row checked against the export's own shape. Nothing here touches the database; links.queries.ts
 * checks the references and writes.
 */
import type { z } from 'zod';
import { parseCsvRecords } from '../../lib/csv.js';
import { parseClientJson } from '../../lib/json.js';
import { badRequest, payloadTooLarge, type ProblemFieldError } from '../../lib/errors.js';
import { importRejected, type ImportItem } from './links.queries.js';
import { LINK_IMPORT_FIELDS, LinkImportRow } from './links.schemas.js';

/** More rows than this in one batch is a 413: split the file. */
export const MAX_IMPORT_ROWS = 10_000;

const NUMERIC_FIELDS = new Set(['weight', 'confidence', 'version']);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function tooMany(n: number) {
  return payloadTooLarge(`The batch holds ${n} links; at most ${MAX_IMPORT_ROWS} are taken at once. Split it.`);
}

/** Zod issues of one row as problems at that row. */
function rowProblems(issues: z.core.$ZodIssue[], row: Record<string, unknown>, pathOf: (field: string) => string, where: 'file' | 'body') {
  const out: ProblemFieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ in: where, path: pathOf(k), message: 'unknown field (the fields are those of the export)' });
      continue;
    }
    const field = issue.path.map(String).join('.') || '(row)';
    const missing = issue.code === 'invalid_type' && issue.path.length === 1 && row[String(issue.path[0])] === undefined;
    out.push({ in: where, path: pathOf(field), message: missing ? 'required' : issue.message });
  }
  return out;
}

function toItem(row: LinkImportRow, at: string, where: 'file' | 'body'): ImportItem {
  return {
    at,
    in: where,
    input: {
      activityId: row.activity,
      recommendationId: row.recommendation,
      weight: row.weight,
      rationale: row.rationale,
      evidenceUrl: row.evidenceUrl ?? null,
      status: row.status,
      method: row.method,
      confidence: row.confidence ?? null,
      evidence: row.evidence ?? null,
      suggestionId: row.suggestionId ?? null,
    },
    country: row.country ?? null,
    importedFrom: { id: row.id ?? null, createdBy: row.createdBy ?? null, createdAt: row.createdAt ?? null },
  };
}

/** A batch read: the rows that have the right shape, and a problem for each that has not. */
export interface ImportBatch {
  items: ImportItem[];
  errors: ProblemFieldError[];
}

/**
 * The rows of a CSV export. Empty cells are absent values; numbers and the evidence JSON are read from their text.
 * A file that is not CSV or has the wrong columns is rejected at once; bad rows are reported with the rest.
 */
export function itemsFromCsv(text: string): ImportBatch {
  let parsed: ReturnType<typeof parseCsvRecords>;
  try {
    parsed = parseCsvRecords(text);
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw importRejected([{ in: 'file', path: line ? `line ${line}` : 'file', message: `not readable as CSV: ${(e as Error).message}` }]);
  }
  const { header, records } = parsed;
  const errors: ProblemFieldError[] = [];
  if (!header.length) throw importRejected([{ in: 'file', path: 'line 1', message: 'the file is empty; it needs a header row' }]);
  const known = new Set<string>(LINK_IMPORT_FIELDS);
  for (const h of header) {
    if (!known.has(h)) errors.push({ in: 'file', path: `line 1: ${h || '(empty)'}`, message: 'unknown column (the columns are those of the export)' });
  }
  for (const required of ['activity', 'recommendation', 'rationale']) {
    if (!header.includes(required)) errors.push({ in: 'file', path: `line 1: ${required}`, message: 'missing column' });
  }
  if (errors.length) throw importRejected(errors);
  if (records.length > MAX_IMPORT_ROWS) throw tooMany(records.length);

  const items: ImportItem[] = [];
  for (const { line, cells } of records) {
    const pathOf = (field: string) => `line ${line}: ${field}`;
    const row: Record<string, unknown> = {};
    let bad = false;
    for (const [k, v] of Object.entries(cells)) {
      if (k.startsWith('#')) {
        errors.push({ in: 'file', path: `line ${line}`, message: `more cells than the header has columns (cell ${k.slice(1)})` });
        bad = true;
        continue;
      }
      if (v === '') continue;
      if (NUMERIC_FIELDS.has(k)) row[k] = NUMBER.test(v.trim()) ? Number(v) : v;
      else if (k === 'evidence') {
        const parsed = parseClientJson(v);
        if (parsed.ok) row[k] = parsed.value;
        else {
          errors.push({ in: 'file', path: pathOf('evidence'), message: `the JSON text ${parsed.reason}` });
          bad = true;
        }
      } else row[k] = v;
    }
    const result = LinkImportRow.safeParse(row);
    if (!result.success) errors.push(...rowProblems(result.error.issues, row, pathOf, 'file'));
    else if (!bad) items.push(toItem(result.data, `line ${line}`, 'file'));
  }
  return { items, errors };
}

/** The rows of a JSON batch: an array of links, or an object whose `items` is one (a page of GET /v1/links). */
export function itemsFromJson(body: unknown): ImportBatch {
  const list = Array.isArray(body)
    ? body
    : body && typeof body === 'object' && Array.isArray((body as { items?: unknown }).items)
      ? ((body as { items: unknown[] }).items)
      : undefined;
  if (!list) {
    throw badRequest('The body must be an array of links, or an object with `items` (an array of links).', [
      { in: 'body', path: '(root)', message: 'expected an array or an object with items' },
    ]);
  }
  if (list.length > MAX_IMPORT_ROWS) throw tooMany(list.length);
  const errors: ProblemFieldError[] = [];
  const items: ImportItem[] = [];
  list.forEach((raw, i) => {
    const at = `items[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push({ in: 'body', path: at, message: 'must be an object (a link)' });
      return;
    }
    const result = LinkImportRow.safeParse(raw);
    if (result.success) items.push(toItem(result.data, at, 'body'));
    else errors.push(...rowProblems(result.error.issues, raw as Record<string, unknown>, (f) => `${at}.${f}`, 'body'));
  });
  return { items, errors };
}
