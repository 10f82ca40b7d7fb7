import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys } from '../../db/schema.js';

export const ROLES = ['reader', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleRank = (r: Role) => ROLES.indexOf(r);

export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Creates a key; the secret is returned once and only its hash is stored. */
export async function createKey(db: Db, name: string, role: Role) {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const key = `orm_${prefix}_${secret}`;
  const id = randomUUID();
  await db.insert(apiKeys).values({ id, name, role, prefix, hash: hashKey(key) });
  return { id, name, role, prefix, key };
}

export async function listKeys(db: Db) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      role: apiKeys.role,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

export async function revokeKey(db: Db, idOrPrefix: string): Promise<boolean> {
  const byId = await db
    .update(apiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiKeys.id, idOrPrefix), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (byId.length) return true;
  const byPrefix = await db
    .update(apiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiKeys.prefix, idOrPrefix), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return byPrefix.length > 0;
}

export type KeyCheck = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'revoked' };

/** Looks a presented key up by its public prefix and compares hashes in constant time. */
export async function verifyKey(db: Db, presented: string): Promise<KeyCheck> {
  const m = /^orm_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}$/.exec(presented);
  if (!m) return { ok: false, reason: 'unknown' };
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, m[1]!)).limit(1);
  if (!row) return { ok: false, reason: 'unknown' };
  const a = Buffer.from(row.hash, 'hex');
  const b = Buffer.from(hashKey(presented), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  return { ok: true, principal: { keyId: row.id, name: row.name, role: row.role as Role } };
}
