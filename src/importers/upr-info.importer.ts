// PLACEHOLDER: being written (UPR Info CSV importer).
import type { Importer } from './run.js';
export interface UprInfoOptions { encoding?: 'utf-8' | 'macroman' | 'windows-1252' }
export interface UprRecord { id: string }
export function uprInfoImporter(_opts: UprInfoOptions = {}): Importer<UprRecord> {
  return {
    kind: 'upr-info',
    async *parse() {},
    async writeBatch() { return []; },
  };
}
