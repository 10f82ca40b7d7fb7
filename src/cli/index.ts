// The command line behind `npm run cli -- …`: imports, API keys and migrations on the database that
// the server would use (same configuration). Output is plain text; see USAGE.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createDb, type Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { IMPORT_KINDS, importFile, type ImportKind } from '../importers/index.js';
import { loadReferenceData } from '../importers/reference.importer.js';
import { IMPORT_MODES, type ImportMode, type RunReport } from '../importers/run.js';
import type { UprInfoOptions } from '../importers/upr-info.importer.js';
import { formatRatificationReport, importRatification } from '../importers/obligations.importer.js';
import { createKey, listKeys, revokeKey, ROLES, type Role } from '../modules/keys/keys.queries.js';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  import upr-info FILE...   Import UPR Info recommendation CSV files
      --mode atomic|skip-invalid                 (default atomic: an invalid record rejects its file)
      --dry-run                                  validate and count; write nothing
      --encoding utf-8|macroman|windows-1252     the files' encoding (detected when absent)
  import iati FILE...       Import IATI activity XML files (2.0x)
      --mode atomic|skip-invalid
      --dry-run
  import uhri FILE...       Import OHCHR Universal Human Rights Index exports (JSON array or XLSX sheet)
      --mode atomic|skip-invalid
      --dry-run
  import ratification       Reload the bundled treaty ratification data (data/ratification) and
                            report where its two sources disagree
  keys create --name NAME --role reader|editor|admin
                            Create an API key; the key is printed once
  keys list                 List API keys (never their secrets)
  keys revoke ID_OR_PREFIX  Revoke a key by its id or prefix
  migrate                   Apply migrations and load reference data
  --help                    Show this text

The database is the server's: DATABASE_URL (PostgreSQL) or else the embedded PGlite in PGLITE_DIR.
Exit status: 0 success, 1 a file was rejected or failed (or a key was not found), 2 usage error.`;

const ENCODINGS = ['utf-8', 'macroman', 'windows-1252'] as const;
type Encoding = NonNullable<UprInfoOptions['encoding']>;

/** Problems shown per file in the summary; the rest stay on the run (GET /v1/imports/{id}). */
const PROBLEMS_SHOWN = 10;
/** Minimum time between two redraws of the progress line. */
const PROGRESS_EVERY_MS = 200;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

interface Out {
  log(line: string): void;
  error(line: string): void;
}

const consoleOut: Out = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  mode: { type: 'string' },
  'dry-run': { type: 'boolean' },
  encoding: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

export type Command =
  | { cmd: 'help' }
  | { cmd: 'import'; kind: ImportKind; files: string[]; mode: ImportMode; dryRun: boolean; encoding?: Encoding }
  | { cmd: 'import-ratification' }
  | { cmd: 'keys-create'; name: string; role: Role }
  | { cmd: 'keys-list' }
  | { cmd: 'keys-revoke'; idOrPrefix: string }
  | { cmd: 'migrate' };

/** Turns argv into a command, or throws UsageError. */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { cmd: 'help' };
  const [command, sub, ...rest] = positionals;
  const given = (Object.keys(values) as OptionName[]).filter((k) => values[k] !== undefined);
  const onlyOptions = (allowed: OptionName[], what: string) => {
    const extra = given.filter((k) => !allowed.includes(k));
    if (extra.length) throw new UsageError(`${what} does not take --${extra.join(', --')}`);
  };

  switch (command) {
    case undefined:
      throw new UsageError('no command given');
    case 'import': {
      if (sub === 'ratification') {
        onlyOptions([], 'import ratification');
        if (rest.length) throw new UsageError('import ratification takes no FILE: it reloads the bundled data/ratification');
        return { cmd: 'import-ratification' };
      }
      if (!sub || !(IMPORT_KINDS as readonly string[]).includes(sub)) {
        throw new UsageError(`import needs a kind: ${[...IMPORT_KINDS, 'ratification'].join(', ')}`);
      }
      const kind = sub as ImportKind;
      onlyOptions(kind === 'upr-info' ? ['mode', 'dry-run', 'encoding'] : ['mode', 'dry-run'], `import ${kind}`);
      if (!rest.length) throw new UsageError(`import ${kind} needs at least one FILE`);
      const mode = values.mode ?? 'atomic';
      if (!(IMPORT_MODES as readonly string[]).includes(mode)) {
        throw new UsageError(`--mode must be ${IMPORT_MODES.join(' or ')}, not ${mode}`);
      }
      const encoding = values.encoding;
      if (encoding !== undefined && !(ENCODINGS as readonly string[]).includes(encoding)) {
        throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')}, not ${encoding}`);
      }
      return {
        cmd: 'import',
        kind,
        files: rest,
        mode: mode as ImportMode,
        dryRun: values['dry-run'] ?? false,
        encoding: encoding as Encoding | undefined,
      };
    }
    case 'keys': {
      if (sub === 'create') {
        onlyOptions(['name', 'role'], 'keys create');
        if (rest.length) throw new UsageError(`keys create takes no arguments besides --name and --role`);
        const name = values.name?.trim();
        if (!name) throw new UsageError('keys create needs --name NAME');
        const role = values.role;
        if (!role || !(ROLES as readonly string[]).includes(role)) {
          throw new UsageError(`keys create needs --role ${ROLES.join('|')}`);
        }
        return { cmd: 'keys-create', name, role: role as Role };
      }
      if (sub === 'list') {
        onlyOptions([], 'keys list');
        if (rest.length) throw new UsageError('keys list takes no arguments');
        return { cmd: 'keys-list' };
      }
      if (sub === 'revoke') {
        onlyOptions([], 'keys revoke');
        if (rest.length !== 1) throw new UsageError('keys revoke needs exactly one ID_OR_PREFIX');
        return { cmd: 'keys-revoke', idOrPrefix: rest[0]! };
      }
      throw new UsageError('keys needs a subcommand: create, list or revoke');
    }
    case 'migrate':
      onlyOptions([], 'migrate');
      if (sub !== undefined) throw new UsageError('migrate takes no arguments');
      return { cmd: 'migrate' };
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

/** Opens the server's database. PGlite is private to this process and may be new: migrate it first. */
async function openDatabase(): Promise<Database> {
  const config = loadConfig();
  const database = await createDb({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    poolMax: 2,
  });
  try {
    await database.ping();
    if (database.engine === 'pglite') await runMigrations(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** A progress line rewritten in place (TTY only), at most every PROGRESS_EVERY_MS. */
function progressLine(label: string, stream: NodeJS.WriteStream = process.stdout) {
  const started = Date.now();
  let last = 0;
  let width = 0;
  return {
    update(read: number) {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const seconds = Math.max((now - started) / 1000, 0.001);
      const text = `${label}: ${read} records, ${Math.round(read / seconds)} records/s`;
      stream.write(`\r${text.padEnd(width)}`);
      width = Math.max(width, text.length);
    },
    clear() {
      if (width) stream.write(`\r${' '.repeat(width)}\r`);
    },
  };
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function formatProblem(p: RunReport['problems'][number]): string {
  const where = [
    p.line !== undefined ? `line ${p.line}` : null,
    p.recordId ? `record ${p.recordId}` : null,
    p.field ? `field ${p.field}` : null,
  ].filter(Boolean);
  return `${p.severity}${where.length ? ` (${where.join(', ')})` : ''}: ${p.message}`;
}

export function formatReport(file: string, report: RunReport): string[] {
  const lines = [
    `${file}: ${report.status}${report.dryRun ? ' (dry run)' : ''}, mode ${report.mode}, run ${report.id}`,
    `  ${formatCounts(report.counts)}`,
  ];
  if (report.message) lines.push(`  ${report.message}`);
  if (report.problems.length) {
    // Errors first: they are why a file was rejected; warnings can be many.
    const errors = report.problems.filter((p) => p.severity === 'error');
    const warnings = report.problems.filter((p) => p.severity !== 'error');
    const shown = [...errors, ...warnings].slice(0, PROBLEMS_SHOWN);
    lines.push(
      `  problems (${shown.length} of ${report.problems.length} shown; errors ${errors.length}, warnings ${warnings.length}):`,
    );
    for (const p of shown) lines.push(`    ${formatProblem(p)}`);
  }
  return lines;
}

async function assertReadable(files: string[]) {
  for (const f of files) {
    try {
      await access(f, constants.R_OK);
    } catch {
      throw new UsageError(`cannot read ${f}`);
    }
    if (!(await stat(f)).isFile()) throw new UsageError(`${f} is not a file`);
  }
}

async function importCommand(database: Database, c: Extract<Command, { cmd: 'import' }>, out: Out): Promise<number> {
  await loadReferenceData(database.db);
  let code = EXIT_OK;
  for (const file of c.files) {
    const progress = process.stdout.isTTY ? progressLine(file) : undefined;
    try {
      const report = await importFile(database.db, c.kind, file, {
        mode: c.mode,
        dryRun: c.dryRun,
        actor: 'cli',
        encoding: c.encoding,
        onProgress: progress ? (n) => progress.update(n) : undefined,
      });
      progress?.clear();
      for (const line of formatReport(file, report)) out.log(line);
      if (report.status === 'rejected' || report.status === 'failed') code = EXIT_FAILED;
    } catch (err) {
      progress?.clear();
      out.error(`${file}: failed: ${(err as Error).message}`);
      code = EXIT_FAILED;
    }
  }
  return code;
}

async function keysCreateCommand(database: Database, name: string, role: Role, out: Out): Promise<number> {
  const k = await createKey(database.db, name, role);
  out.log(`Created ${k.role} key "${k.name}"`);
  out.log(`  id:     ${k.id}`);
  out.log(`  prefix: ${k.prefix}`);
  out.log(`  key:    ${k.key}`);
  out.log('Store the key now: it is not stored and will not be shown again.');
  return EXIT_OK;
}

function formatTime(value: string | null): string {
  if (!value) return '-';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

async function keysListCommand(database: Database, out: Out): Promise<number> {
  const keys = await listKeys(database.db);
  if (!keys.length) {
    out.log('No API keys.');
    return EXIT_OK;
  }
  const rows = keys.map((k) => [k.id, k.name, k.role, k.prefix, formatTime(k.createdAt), formatTime(k.revokedAt)]);
  for (const line of formatTable(['id', 'name', 'role', 'prefix', 'created', 'revoked'], rows)) out.log(line);
  return EXIT_OK;
}

async function keysRevokeCommand(database: Database, idOrPrefix: string, out: Out): Promise<number> {
  if (await revokeKey(database.db, idOrPrefix)) {
    out.log(`Revoked key ${idOrPrefix}.`);
    return EXIT_OK;
  }
  out.error(`No active key has the id or prefix ${idOrPrefix}.`);
  return EXIT_FAILED;
}

async function migrateCommand(database: Database, out: Out): Promise<number> {
  await runMigrations(database); // already done on PGlite; idempotent
  const ref = await loadReferenceData(database.db);
  out.log(`Migrations applied on ${database.engine}; reference data: ${formatCounts(ref)}.`);
  return EXIT_OK;
}

async function execute(database: Database, c: Exclude<Command, { cmd: 'help' }>, out: Out): Promise<number> {
  switch (c.cmd) {
    case 'import':
      return importCommand(database, c, out);
    case 'import-ratification': {
      const report = await importRatification(database.db);
      for (const line of formatRatificationReport(report)) out.log(line);
      return EXIT_OK;
    }
    case 'keys-create':
      return keysCreateCommand(database, c.name, c.role, out);
    case 'keys-list':
      return keysListCommand(database, out);
    case 'keys-revoke':
      return keysRevokeCommand(database, c.idOrPrefix, out);
    case 'migrate':
      return migrateCommand(database, out);
  }
}

/** Runs the CLI on argv (without node and script) and returns the exit status. */
export async function runCli(argv: string[], out: Out = consoleOut): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
    if (command.cmd === 'import') await assertReadable(command.files);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    out.error(`Error: ${err.message}`);
    out.error('Run `npm run cli -- --help` for usage.');
    return EXIT_USAGE;
  }
  if (command.cmd === 'help') {
    out.log(USAGE);
    return EXIT_OK;
  }

  let database: Database;
  try {
    database = await openDatabase();
  } catch (err) {
    if (err instanceof ConfigError) {
      out.error(err.message);
      return EXIT_USAGE;
    }
    out.error(`Cannot open the database: ${(err as Error).message}`);
    if (process.env.DATABASE_URL) out.error('Is PostgreSQL running, and has `npm run db:migrate` been run?');
    return EXIT_FAILED;
  }
  try {
    return await execute(database, command, out);
  } catch (err) {
    const e = err as Error & { code?: string };
    // 42P01: undefined table, a PostgreSQL database that was never migrated.
    if (e.code === '42P01' || (e.cause as { code?: string } | undefined)?.code === '42P01') {
      out.error('The database has no schema yet: run `npm run db:migrate` (or `npm run cli -- migrate`) first.');
    } else {
      out.error(`Error: ${e.message}`);
    }
    return EXIT_FAILED;
  } finally {
    await database.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url;

if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error('Unexpected error:', err);
      process.exit(1);
    },
  );
}
