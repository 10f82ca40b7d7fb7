import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { fromRoot } from '../../src/lib/paths.js';

// The CLI as a user runs it: a child process on a database of its own. On PGlite (the default) a
// fresh data directory; with DATABASE_URL set (the PostgreSQL run of the suite) a fresh database.

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const FIXTURES = fromRoot('test/fixtures/cli');
const KEY_PATTERN = /orm_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}/;

/** The child's environment: no tap loader or coverage hooks, and the database chosen here. */
function childEnv(database: { url?: string; pgliteDir: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k === 'DATABASE_URL' || k.startsWith('TAP') || k.startsWith('_TAP')) continue;
    env[k] = v;
  }
  env.PGLITE_DIR = database.pgliteDir;
  env.LOG_LEVEL = 'silent';
  if (database.url) env.DATABASE_URL = database.url;
  return env;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fromRoot('src/cli/index.ts'), ...args],
      { cwd: fromRoot(), env, timeout: 120_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh PostgreSQL database next to DATABASE_URL's, dropped at the end (as test/helpers does). */
async function freshPostgresDatabase(url: string): Promise<string> {
  const name = `oda_cli_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  t.teardown(async () => {
    const a = new pg.Client({ connectionString: url });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const pgliteDir = mkdtempSync(join(tmpdir(), 'oda-cli-test-'));
t.teardown(() => rmSync(pgliteDir, { recursive: true, force: true }));
const baseUrl = process.env.DATABASE_URL;
const url = baseUrl ? await freshPostgresDatabase(baseUrl) : undefined;
const env = childEnv({ url, pgliteDir });
const cli = (...args: string[]) => runCli(args, env);

t.test('--help prints usage and exits 0', async (t) => {
  const r = await cli('--help');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /Usage: npm run cli/);
  t.match(r.stdout, /keys create --name NAME --role reader\|editor\|admin/);
  t.match(r.stdout, /import iati FILE/);
});

t.test('usage errors exit 2', async (t) => {
  const iati = join(FIXTURES, 'iati-2.03_one-activity_KE.xml');
  // No database is opened for these: they run side by side.
  const [bad, none, role, option, encoding, missing] = await Promise.all([
    cli('frobnicate'),
    cli(),
    cli('keys', 'create', '--name', 'x', '--role', 'superuser'),
    cli('keys', 'list', '--bogus'),
    cli('import', 'iati', iati, '--encoding', 'utf-8'),
    cli('import', 'iati', join(FIXTURES, 'no-such-file.xml')),
  ]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /unknown command: frobnicate/);
  t.equal(none.code, 2, 'no command');
  t.equal(role.code, 2);
  t.match(role.stderr, /--role reader\|editor\|admin/);
  t.equal(option.code, 2, 'unknown option');
  t.equal(encoding.code, 2, 'iati takes no --encoding');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read/);
});

t.test('migrate prepares the database', async (t) => {
  const r = await cli('migrate');
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /Migrations applied on (pglite|postgres)/);
});

t.test('keys: create prints the key once, list never shows it, revoke revokes', async (t) => {
  const created = await cli('keys', 'create', '--name', 'cli test editor', '--role', 'editor');
  t.equal(created.code, 0, created.stderr);
  const m = KEY_PATTERN.exec(created.stdout);
  t.ok(m, 'the key is printed');
  const key = m![0];
  const prefix = m![1]!;
  t.match(created.stdout, new RegExp(`prefix: ${prefix}`));
  t.match(created.stdout, /id: +[0-9a-f-]{36}/);

  const listed = await cli('keys', 'list');
  t.equal(listed.code, 0, listed.stderr);
  t.match(listed.stdout, /^id +name +role +prefix +created +revoked/m);
  const row = listed.stdout.split('\n').find((l) => l.includes(prefix));
  t.ok(row, 'the new key is listed');
  t.match(row!, /cli test editor +editor/);
  t.match(row!, / -$/, 'not revoked');
  t.notOk(listed.stdout.includes(key), 'the secret is not listed');
  // The secret is what follows "orm_<prefix>_" (base64url, so it may itself contain "_"): neither it nor its first
  // eight characters appear (eight base64url characters turn up by chance about once in 2.8e14 tries).
  const secret = key.slice(`orm_${prefix}_`.length);
  t.notOk(listed.stdout.includes(secret), 'the secret part is not listed');
  t.notOk(listed.stdout.includes(secret.slice(0, 8)), 'no part of the secret is listed');

  const revoked = await cli('keys', 'revoke', prefix);
  t.equal(revoked.code, 0, revoked.stderr);
  t.match(revoked.stdout, /Revoked/);

  const again = await cli('keys', 'revoke', prefix);
  t.equal(again.code, 1, 'an already revoked key is not found');

  const after = await cli('keys', 'list');
  const rowAfter = after.stdout.split('\n').find((l) => l.includes(prefix));
  t.match(rowAfter!, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'revoked time shown');
});

t.test('import iati: a 2.03 file succeeds with a summary', async (t) => {
  const file = join(FIXTURES, 'iati-2.03_one-activity_KE.xml');
  const r = await cli('import', 'iati', file);
  t.equal(r.code, 0, r.stderr + r.stdout);
  t.match(r.stdout, /iati-2\.03_one-activity_KE\.xml: succeeded, mode atomic, run [0-9a-f-]{36}/);
  t.match(r.stdout, /\bread 1\b/);
  t.match(r.stdout, /\binserted 1\b/);
  t.notOk(r.stdout.includes('\r'), 'no progress line when stdout is not a terminal');
});

t.test('import iati: a 1.x file is rejected, exit 1', async (t) => {
  const file = join(FIXTURES, 'iati-1.05_one-activity_KE.xml');
  const r = await cli('import', 'iati', '--mode', 'skip-invalid', file);
  t.equal(r.code, 1, r.stderr + r.stdout);
  t.match(r.stdout, /iati-1\.05_one-activity_KE\.xml: rejected/);
  t.match(r.stdout, /problems \(\d+ of \d+ shown; errors [1-9]\d*, warnings \d+\):\n +error/);
});
