import { z } from 'zod';
import { verifyHubSpotRequest, type SignedRequest } from './signature';

/**
 * Who a card or settings-page request (`hubspot.fetch`) acts for. HubSpot's proxy appends `appId` (and, per
 * third-party reports, `portalId`, `userId`, `userEmail`) to the query and signs the whole URL
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data;
 * reference hubspot-platform.md §4, §9). Ids the card puts in the path or body are not attested by HubSpot.
 */
export interface SignedAppRequest {
  portalId: number;
  userId?: number;
  appId?: number;
}

export class SignedRequestError extends Error {
  constructor(readonly reason: string) {
    super(`Refused HubSpot app request: ${reason}`);
    this.name = 'SignedRequestError';
  }
}

const positiveInt = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().positive());
const signedQuery = z.object({
  portalId: positiveInt,
  userId: positiveInt.optional(),
  appId: positiveInt.optional(),
});

/**
 * Verifies the request and returns the portal (and user/app) from its signed query parameters only. Only v3 is
 * accepted: it is the one signature that both covers the URL and carries a timestamp, so a captured request cannot
 * be replayed after 5 minutes (v1 covers no URL; v2 has no timestamp). The proxy always sends v3 (reference §10).
 */
export function readSignedAppRequest(req: SignedRequest, clientSecret: string, now: Date): SignedAppRequest {
  const verdict = verifyHubSpotRequest(req, clientSecret, now);
  if (!verdict.ok) throw new SignedRequestError(verdict.reason);
  if (verdict.version !== 'v3') throw new SignedRequestError(`a ${verdict.version} signature does not prove freshness; v3 is required`);
  const params = new URL(req.url).searchParams;
  const query = signedQuery.safeParse({
    portalId: params.get('portalId') ?? undefined,
    userId: params.get('userId') ?? undefined,
    appId: params.get('appId') ?? undefined,
  });
  if (!query.success) throw new SignedRequestError(`signed query parameters are missing or invalid: ${z.prettifyError(query.error)}`);
  const out: SignedAppRequest = { portalId: query.data.portalId };
  if (query.data.userId !== undefined) out.userId = query.data.userId;
  if (query.data.appId !== undefined) out.appId = query.data.appId;
  return out;
}
