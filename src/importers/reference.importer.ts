// PLACEHOLDER: being written (codelists, countries, aliases).
import type { Db } from '../db/client.js';
export async function loadReferenceData(_db: Db) {
  return { codelistItems: 0, countries: 0, aliases: 0 };
}
