import { z } from 'zod';
import { verifyHubSpotRequest, type SignedRequest } from './signature';

/**
 * Who a card or settings-page request (`hubspot.fetch`) claims to act for. HubSpot's proxy signs the whole URL and
 * appends `appId`; it is not documented to add the portal or the user
 * (https://developers.hubspot.com/docs/apps/developer-platform/add-features/ui-extensibility/fetching-data), so our
 * extensions put `portalId` and `userId` there from their context. The signature proves the request went through
 * HubSpot for our app, not that the ids are true: a user of one portal can sign any URL. Callers must confirm that
 * the user belongs to the portal (HubSpot's users API, with that portal's token) before acting on either.
 */
export interface SignedAppRequest {
  portalId: number;
  userId: number;
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
  userId: positiveInt,
  appId: positiveInt.optional(),
});

/**
 * Verifies the request and returns the portal, user and app named in its signed query. Only v3 is accepted: it is
 * the one signature that both covers the URL and carries a timestamp, so a captured request cannot be replayed after
 * 5 minutes (v1 covers no URL; v2 has no timestamp). A parameter given twice with different values (ours and one a
 * proxy might add) is ambiguous and refused.
 */
export function readSignedAppRequest(req: SignedRequest, clientSecret: string, now: Date): SignedAppRequest {
  const verdict = verifyHubSpotRequest(req, clientSecret, now);
  if (!verdict.ok) throw new SignedRequestError(verdict.reason);
  if (verdict.version !== 'v3') throw new SignedRequestError(`a ${verdict.version} signature does not prove freshness; v3 is required`);
  const params = new URL(req.url).searchParams;
  const one = (name: string) => {
    const values = [...new Set(params.getAll(name))];
    if (values.length > 1) throw new SignedRequestError(`the query names more than one ${name}`);
    return values[0];
  };
  const query = signedQuery.safeParse({ portalId: one('portalId'), userId: one('userId'), appId: one('appId') });
  if (!query.success) throw new SignedRequestError(`signed query parameters are missing or invalid: ${z.prettifyError(query.error)}`);
  return { portalId: query.data.portalId, userId: query.data.userId, ...(query.data.appId !== undefined ? { appId: query.data.appId } : {}) };
}
