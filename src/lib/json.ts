import sjson from 'secure-json-parse';

/**
 * JSON text from a client, parsed as fastify parses request bodies (secure-json-parse): a key named `__proto__`, or
 * `constructor` holding `prototype`, is refused rather than dropped, so no stored value can later poison an object's
 * prototype and no data is silently lost. The same rule for request bodies and for JSON inside an uploaded CSV, so
 * that whatever the service accepts one way it also accepts the other (an export re-imports).
 */
export type JsonParseResult = { ok: true; value: unknown } | { ok: false; reason: string };

export function parseClientJson(text: string): JsonParseResult {
  try {
    return { ok: true, value: sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/forbidden prototype property/i.test(message)) {
      return { ok: false, reason: 'has a key named "__proto__" (or "constructor" with "prototype"), refused to guard against prototype poisoning' };
    }
    return { ok: false, reason: `is not valid JSON (${message})` };
  }
}
