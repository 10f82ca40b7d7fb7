// npm run bench:import — import speed and memory, beside a parse-only floor. See README "Benchmarks".
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fromRoot } from '../src/lib/paths.js';
import { SAMPLE_FILES } from '../src/seed.js';
import { makeLargeIati } from './make-large-iati.js';

interface Result {
  phase: string;
  kind: string;
  files: number;
  bytes: number;
  records: number;
  seconds: number;
  peakRssMb: number;
}

/**
 * Runs one phase in its own process. `heapMb` caps V8's heap: V8 grows lazily up to a large default, so the cap is
 * what shows that memory stays flat (the import of the large file must finish inside it).
 */
function run(phase: 'parse' | 'import', kind: string, files: string[], heapMb?: number): Result {
  const heap = heapMb ? [`--max-old-space-size=${heapMb}`] : [];
  const out = execFileSync(process.execPath, [...heap, '--import', 'tsx', fromRoot('bench/import.worker.ts'), phase, kind, ...files], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const largeMb = Number(process.env.BENCH_LARGE_MB ?? 200);
/** The large file is imported inside this V8 heap, whatever its size: proof that memory stays flat. */
const LARGE_HEAP_MB = 128;
const iati = SAMPLE_FILES.filter((f) => f.kind === 'iati').map((f) => fromRoot(f.path));
const upr = [fromRoot(process.env.BENCH_UPR_FILE ?? SAMPLE_FILES[0].path)];

const rows: string[] = [];
const line = (label: string, parse: Result, imp: Result, unit: string) => {
  const rate = Math.round(imp.records / imp.seconds);
  const ratio = (imp.seconds / parse.seconds).toFixed(2);
  rows.push(
    `| ${label} | ${imp.records.toLocaleString('en')} ${unit} | ${(imp.bytes / 1e6).toFixed(1)} MB | ${parse.seconds.toFixed(2)} s | ${imp.seconds.toFixed(2)} s | ${rate.toLocaleString('en')} ${unit}/s | ${ratio}× | ${imp.peakRssMb} MB |`,
  );
  console.log(rows[rows.length - 1]);
};

console.log(`engine: ${engine}; node ${process.version}`);
console.log('| input | records | size | parse-only | import | import rate | import ÷ parse | peak RSS (import) |');
console.log('|---|---|---|---|---|---|---|---|');
line('5 IATI country files', run('parse', 'iati', iati), run('import', 'iati', iati), 'activities');
line(`UPR Info CSV (${upr[0]!.split('/').pop()})`, run('parse', 'upr-info', upr), run('import', 'upr-info', upr), 'recommendations');

if (largeMb > 0) {
  const dir = fromRoot('bench/out');
  mkdirSync(dir, { recursive: true });
  const large = `${dir}/large-iati-${largeMb}mb.xml`;
  if (!existsSync(large) || statSync(large).size < largeMb * 1e6 * 0.95) {
    const made = await makeLargeIati(large, iati, largeMb * 1e6);
    console.error(`built ${large}: ${made.activities} activities, ${(made.bytes / 1e6).toFixed(0)} MB`);
  }
  line(
    `one large IATI file (${largeMb} MB), heap capped at ${LARGE_HEAP_MB} MB`,
    run('parse', 'iati', [large], LARGE_HEAP_MB),
    run('import', 'iati', [large], LARGE_HEAP_MB),
    'activities',
  );
}
