import { createHash, createHmac } from 'node:crypto';

/**
 * HubSpot request signatures (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation,
 * …/faq/v1-request-validation, …/faq/v2-request-validation):
 * v1 = sha256_hex(secret + body); v2 = sha256_hex(secret + METHOD + uri + body);
 * v3 = base64(HMAC-SHA256(secret, METHOD + uri + body + timestamp)).
 */
export const signV1 = (clientSecret: string, body: string) =>
  createHash('sha256')
    .update(clientSecret + body, 'utf8')
    .digest('hex');

export const signV2 = (clientSecret: string, method: string, uri: string, body: string) =>
  createHash('sha256')
    .update(clientSecret + method + uri + body, 'utf8')
    .digest('hex');

export const signV3 = (clientSecret: string, method: string, uri: string, body: string, timestamp: number) =>
  createHmac('sha256', clientSecret)
    .update(method + uri + body + String(timestamp), 'utf8')
    .digest('base64');

/**
 * Headers HubSpot attaches to outgoing requests; every request to an OAuth app also carries v3
 * (https://developers.hubspot.com/changelog/introducing-version-3-of-webhook-signatures).
 */
export function signatureHeaders(
  version: 'v1' | 'v2',
  clientSecret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  return {
    'X-HubSpot-Signature': version === 'v1' ? signV1(clientSecret, body) : signV2(clientSecret, method, uri, body),
    'X-HubSpot-Signature-Version': version,
    'X-HubSpot-Signature-v3': signV3(clientSecret, method, uri, body, timestamp),
    'X-HubSpot-Request-Timestamp': String(timestamp),
  };
}
