// PLACEHOLDER: being written (IATI activity XML importer).
import type { Importer } from './run.js';
export interface IatiActivity { iatiIdentifier: string }
export function iatiImporter(): Importer<IatiActivity> {
  return {
    kind: 'iati',
    async *parse() {},
    async writeBatch() { return []; },
  };
}
