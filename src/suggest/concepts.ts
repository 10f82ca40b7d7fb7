import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { fromRoot } from '../lib/paths.js';
import { tokenise, type Token } from './text.js';

/**
 * Curated term concepts for the text method (data/crosswalks/term-concepts.csv, documented in TERM-CONCEPTS.md):
 * - `variant`: English words of one family that the Snowball stemmer leaves apart (judicial / judiciary) are one
 *   term, on both sides;
 * - `implies`: an English phrase in an activity's text that names how the activity delivers a recommendation's broad
 *   object, as the judging guideline says (rule 4: cash transfers and social protection deliver "the fight against
 *   poverty"), adds that term to the activity's text. Evidence says which phrase implied it.
 * Every row carries a reason; none is drawn from an individual judged pair.
 */
export interface Concepts {
  /** Lower-case word → the stem it is counted as. */
  variants: Map<string, string>;
  /** Phrase (regular expression over the activity's English text) → the stem it adds. */
  implies: { re: RegExp; stem: string; term: string }[];
}

export const TERM_CONCEPTS_PATH = fromRoot('data/crosswalks/term-concepts.csv');

const stemOf = (word: string) => tokenise(word, 'en', { boilerplate: false })[0]?.stem ?? word.toLowerCase();

export function parseConcepts(csv: string): Concepts {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const variants = new Map<string, string>();
  const implies: Concepts['implies'] = [];
  rows.forEach((r, i) => {
    const line = i + 2;
    const pattern = r.pattern ?? '';
    const term = r.term ?? '';
    if (!pattern || !term || !r.reason) throw new Error(`term-concepts.csv line ${line}: pattern, term and reason are required`);
    if (r.kind === 'variant') {
      for (const w of pattern.split(/\s+/).filter(Boolean)) variants.set(w.toLowerCase(), stemOf(term));
    } else if (r.kind === 'implies') {
      implies.push({ re: new RegExp(`(?<![\\p{L}])(${pattern})(?![\\p{L}])`, 'giu'), stem: stemOf(term), term });
    } else throw new Error(`term-concepts.csv line ${line}: kind "${r.kind}" (variant or implies)`);
  });
  return { variants, implies };
}

let cached: Concepts | undefined;
/** The bundled concepts, read once. */
export function loadConcepts(): Concepts {
  cached ??= parseConcepts(readFileSync(TERM_CONCEPTS_PATH, 'utf8'));
  return cached;
}

/** Counts the words of a family as one stem (in place); English tokens only. */
export function applyVariants(tokens: Token[], c: Concepts): Token[] {
  if (!c.variants.size) return tokens;
  for (const t of tokens) {
    const v = c.variants.get(t.surface.toLowerCase());
    if (v) t.stem = v;
  }
  return tokens;
}

/** The terms an English activity text implies: one token per phrase found, its surface the phrase. */
export function impliedTokens(text: string, c: Concepts): Token[] {
  const out: Token[] = [];
  for (const { re, stem } of c.implies) {
    for (const m of text.matchAll(re)) out.push({ stem, surface: m[0], start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}
