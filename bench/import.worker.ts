// One measured phase in its own process, so that its peak RSS is its own. Prints one JSON line.
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { importerFor, importFile, type ImportKind } from '../src/importers/index.js';
import type { ImportContext } from '../src/importers/run.js';
import { freshDatabase, peakRssMb } from './lib.js';

const [phase, kind, ...files] = process.argv.slice(2) as ['parse' | 'import', ImportKind, ...string[]];

async function parseOnly(file: string) {
  const importer = importerFor(kind, { mode: 'atomic', dryRun: true });
  const ctx: ImportContext = {
    runId: 'bench',
    options: { fileName: basename(file), mode: 'atomic', dryRun: true },
    report: () => {},
    count: () => {},
  };
  let n = 0;
  for await (const rec of importer.parse(createReadStream(file), ctx)) if (rec) n++;
  return n;
}

const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
let records = 0;
let setupSeconds = 0;
const t0 = performance.now();
if (phase === 'parse') {
  for (const f of files) records += await parseOnly(f);
} else {
  const s0 = performance.now();
  const { database, drop } = await freshDatabase();
  setupSeconds = (performance.now() - s0) / 1000;
  const start = performance.now();
  for (const f of files) {
    const report = await importFile(database.db, kind, f, { mode: 'atomic', dryRun: false });
    if (report.status !== 'succeeded') throw new Error(`${f}: ${report.status} ${report.message}`);
    records += report.counts.read;
  }
  const seconds = (performance.now() - start) / 1000;
  await drop();
  console.log(JSON.stringify({ phase, kind, files: files.length, bytes, records, seconds, setupSeconds, peakRssMb: peakRssMb() }));
  process.exit(0);
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ phase, kind, files: files.length, bytes, records, seconds, setupSeconds, peakRssMb: peakRssMb() }));
