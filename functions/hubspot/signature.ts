import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies a request HubSpot sent us: webhooks, workflow-action calls and `hubspot.fetch` from cards and settings.
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 * (v3), …/docs/faq/v2-request-validation, …/docs/faq/v1-request-validation.
 *
 * v3 wins when its header is present (HubSpot adds it to every request to an OAuth app, changelog
 * "introducing-version-3-of-webhook-signatures"); otherwise v2 (workflow actions) or v1 (legacy webhooks), as the
 * `X-HubSpot-Signature-Version` header says. A request with none of them is refused.
 */
export interface SignedRequest {
  method: string;
  /** The full public URL as HubSpot signed it: scheme, host, path and query exactly as received. */
  url: string;
  rawBody: string;
  headers: Headers | Record<string, string | undefined>;
}

export type SignatureResult = { ok: true; version: 'v3' | 'v2' | 'v1' } | { ok: false; reason: string };

/** v3 timestamps older than this are replays (`Signature.MAX_ALLOWED_TIMESTAMP` in @hubspot/api-client). */
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

export function verifyHubSpotRequest(req: SignedRequest, clientSecret: string, now: Date): SignatureResult {
  const header = headerReader(req.headers);
  const method = req.method.toUpperCase();
  const v3 = header('x-hubspot-signature-v3');
  if (v3 !== undefined) {
    const rawTimestamp = header('x-hubspot-request-timestamp');
    if (rawTimestamp === undefined || !/^\d+$/.test(rawTimestamp)) return { ok: false, reason: 'v3 signature without a valid X-HubSpot-Request-Timestamp' };
    const timestamp = Number(rawTimestamp);
    // The docs only bound the age; a timestamp far in the future is as suspicious as an old one.
    if (Math.abs(now.getTime() - timestamp) > MAX_SIGNATURE_AGE_MS) return { ok: false, reason: 'v3 signature timestamp is outside the 5-minute window' };
    // The docs say HubSpot decodes some percent-escapes before hashing; the SDK and the local dev proxy hash the URL
    // as is. Both forms are keyed with our secret, so either proves the request came from HubSpot.
    const candidates = new Set([decodeV3Uri(req.url), req.url]);
    for (const uri of candidates) {
      if (safeEqual(v3, signV3(clientSecret, method, uri, req.rawBody, timestamp))) return { ok: true, version: 'v3' };
    }
    return { ok: false, reason: 'v3 signature does not match' };
  }
  const signature = header('x-hubspot-signature');
  if (signature === undefined) return { ok: false, reason: 'request is not signed' };
  switch (header('x-hubspot-signature-version')?.toLowerCase()) {
    case 'v2':
      return safeEqual(signature, signV2(clientSecret, method, req.url, req.rawBody))
        ? { ok: true, version: 'v2' }
        : { ok: false, reason: 'v2 signature does not match' };
    case 'v1':
      return safeEqual(signature, signV1(clientSecret, req.rawBody)) ? { ok: true, version: 'v1' } : { ok: false, reason: 'v1 signature does not match' };
    default:
      return { ok: false, reason: 'unknown X-HubSpot-Signature-Version' };
  }
}

const signV1 = (secret: string, body: string) =>
  createHash('sha256')
    .update(secret + body, 'utf8')
    .digest('hex');

const signV2 = (secret: string, method: string, uri: string, body: string) =>
  createHash('sha256')
    .update(secret + method + uri + body, 'utf8')
    .digest('hex');

const signV3 = (secret: string, method: string, uri: string, body: string, timestamp: number) =>
  createHmac('sha256', secret)
    .update(method + uri + body + String(timestamp), 'utf8')
    .digest('base64');

/**
 * The escapes the v3 docs list as decoded before hashing
 * (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation); nothing
 * else is touched.
 */
const V3_DECODED: Record<string, string> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

export function decodeV3Uri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_, hex: string) => V3_DECODED[hex.toUpperCase()] ?? `%${hex}`);
}

/** Constant-time comparison (changelog CL-v3); unequal lengths are a mismatch, not an exception. */
function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function headerReader(headers: SignedRequest['headers']): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => lower.get(name);
}
