import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { fromRoot } from '../lib/paths.js';

/**
 * The sector-theme method: an activity's DAC purpose codes against a recommendation's themes, through the curated
 * crosswalk data/crosswalks/dac-theme.csv (see data/crosswalks/DAC-THEME.md for the method).
 */
export type Strength = 'direct' | 'partial';

export interface CrosswalkRow {
  dacCode: string;
  theme: string;
  strength: Strength | 'unmapped';
  reason: string;
}

export interface Crosswalk {
  rows: CrosswalkRow[];
  /** DAC code (5 or 3 digits) → the themes it reaches. */
  byCode: Map<string, { theme: string; strength: Strength; reason: string }[]>;
  /** DAC codes and themes listed as deliberately unmapped. */
  unmappedCodes: Set<string>;
  unmappedThemes: Set<string>;
}

export const DAC_THEME_PATH = fromRoot('data/crosswalks/dac-theme.csv');

export function parseCrosswalk(csv: string): Crosswalk {
  const records = parse(csv, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const rows: CrosswalkRow[] = [];
  const byCode: Crosswalk['byCode'] = new Map();
  const unmappedCodes = new Set<string>();
  const unmappedThemes = new Set<string>();
  records.forEach((r, i) => {
    const line = i + 2;
    const dacCode = r.dac_code ?? '';
    const theme = r.theme ?? '';
    const strength = r.strength as CrosswalkRow['strength'];
    const reason = r.reason ?? '';
    if (dacCode && !/^\d{3}(\d{2})?$/.test(dacCode)) throw new Error(`dac-theme.csv line ${line}: "${dacCode}" is not a DAC 3- or 5-digit code`);
    if (!['direct', 'partial', 'unmapped'].includes(strength)) throw new Error(`dac-theme.csv line ${line}: strength "${strength}"`);
    if (!reason) throw new Error(`dac-theme.csv line ${line}: a reason is required`);
    if (strength === 'unmapped') {
      if (dacCode && theme) throw new Error(`dac-theme.csv line ${line}: an unmapped row names a code or a theme, not both`);
      if (dacCode) unmappedCodes.add(dacCode);
      else if (theme) unmappedThemes.add(theme);
      else throw new Error(`dac-theme.csv line ${line}: empty row`);
    } else {
      if (!dacCode || !theme) throw new Error(`dac-theme.csv line ${line}: a mapping needs a code and a theme`);
      const list = byCode.get(dacCode) ?? [];
      list.push({ theme, strength, reason });
      byCode.set(dacCode, list);
    }
    rows.push({ dacCode, theme, strength, reason });
  });
  return { rows, byCode, unmappedCodes, unmappedThemes };
}

let cached: Crosswalk | undefined;
/** The bundled crosswalk, read once. */
export function loadCrosswalk(): Crosswalk {
  cached ??= parseCrosswalk(readFileSync(DAC_THEME_PATH, 'utf8'));
  return cached;
}

export interface SectorThemeHit {
  code: string;
  /** The crosswalk row's code: the 5-digit code itself or its 3-digit group. */
  via: string;
  theme: string;
  strength: Strength;
  reason: string;
}

/** Every (code, theme) the crosswalk gives for a set of DAC codes (5-digit codes also reach their 3-digit group). */
export function themesOf(cw: Crosswalk, codes: readonly string[]): SectorThemeHit[] {
  const hits: SectorThemeHit[] = [];
  const seen = new Set<string>();
  for (const code of codes) {
    // A 5-digit code listed as unmapped keeps its group's themes away (educational research is not education).
    const keys = code.length === 5 ? (cw.unmappedCodes.has(code) ? [code] : [code, code.slice(0, 3)]) : [code];
    for (const via of keys) {
      for (const m of cw.byCode.get(via) ?? []) {
        const k = code + '|' + m.theme;
        if (seen.has(k)) continue;
        seen.add(k);
        hits.push({ code, via, ...m });
      }
    }
  }
  return hits;
}
