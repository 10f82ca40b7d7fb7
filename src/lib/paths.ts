import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file holding package.json (works from src/ and dist/). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('project root not found');
    dir = up;
  }
}

export const ROOT = findRoot();
export const MIGRATIONS_DIR = join(ROOT, 'migrations');
export const DATA_DIR = join(ROOT, 'data');
export const fromRoot = (...parts: string[]) => resolve(ROOT, ...parts);
