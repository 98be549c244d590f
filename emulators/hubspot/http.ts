import type { Context } from 'hono';
import { validationError } from './errors';
import type { ChangeActor } from './state';
import type { Core } from './core';

/** Per-request context: who is calling and with which scopes. */
export interface AuthContext {
  tokenScopes: readonly string[];
  actor: ChangeActor;
  /** Throws 403 `MISSING_SCOPES` unless the token holds at least one of `anyOf`. */
  require(anyOf: readonly string[]): void;
}

export type HubSpotEnv = { Variables: { core: Core; auth: AuthContext } };

/**
 * Parses a JSON body strictly: HubSpot answers malformed JSON with 400 VALIDATION_ERROR
 * (`Invalid input JSON on line …`), never by guessing.
 */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw validationError('Invalid input JSON: request body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw validationError(`Invalid input JSON on line 1: ${(err as Error).message}`);
  }
}

/** Array query parameters: the SDK repeats them (`properties=a&properties=b`), the docs comma-separate them; accept both. */
export function queryList(c: Context, name: string): string[] | undefined {
  const values = c.req.queries(name);
  if (!values) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Strict by default (the emulators' own rule): an unknown query parameter is a loud 400, never ignored. */
export function allowQuery(c: Context, allowed: readonly string[]): void {
  const url = new URL(c.req.url);
  for (const key of url.searchParams.keys()) {
    if (!allowed.includes(key)) throw validationError(`Unsupported query parameter: ${key}`);
  }
}

export function queryBool(c: Context, name: string): boolean {
  const raw = c.req.query(name);
  if (raw === undefined) return false;
  if (raw !== 'true' && raw !== 'false') throw validationError(`Invalid value for ${name}: ${raw} (expected true or false)`);
  return raw === 'true';
}

export function queryInt(c: Context, name: string, fallback: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw validationError(`Invalid value for ${name}: ${raw}`);
  if (n > max) throw validationError(`${name} must be less than or equal to ${max}`);
  return n;
}

/** Validates a parsed body; unknown or mistyped fields get HubSpot's 400 rather than being ignored. */
export function parseBody<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string; code: string; keys?: readonly string[] }[] } };
  },
  json: unknown,
): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.map(String).join('.') || 'body';
  const detail =
    issue?.code === 'unrecognized_keys' ? `Unrecognized field ${JSON.stringify(issue.keys?.[0] ?? '')}` : `${where}: ${issue?.message ?? 'invalid'}`;
  throw validationError(`Invalid input JSON: ${detail}`);
}
