import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ProviderClients } from '../../connections/provider-clients';
import { HubSpotApiError } from '../../hubspot/errors';
import { readSignedAppRequest, SignedRequestError } from '../../hubspot/signed-request';
import type { Logger } from '../../log';
import type { PortalAccess, Viewer } from '../../security/portal-access';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import { describeFailure } from '../../sync/shared/failures';
import { signedUrl } from '../public-url';
import type { ErrorBody } from './contract';

export type ApiEnv = { Variables: { connection: Connection; viewer: Viewer } };

export const fail = (c: Context, status: ContentfulStatusCode, error: string, message: string, problems?: string[]) =>
  c.json({ error, message, ...(problems ? { problems } : {}) } satisfies ErrorBody, status);

/** Responses leave only in the contract's shape: a mismatch is our bug, caught here rather than in the extension. */
export const reply = <S extends z.ZodType>(c: Context, schema: S, body: z.input<S>, status: ContentfulStatusCode = 200) =>
  c.json(schema.parse(body) as object, status);

/** What the extension shows when HubSpot itself cannot confirm the user. */
function hubspotProblem(err: HubSpotApiError): { status: ContentfulStatusCode; error: string; message: string } {
  if (err.kind === 'reauth_required') return { status: 503, error: 'hubspot_reconnect_required', message: err.userMessage };
  if (err.kind === 'forbidden') {
    return {
      status: 503,
      error: 'hubspot_scope_missing',
      message: 'The app needs a new HubSpot permission (to read your account’s users). A super admin must reinstall the app and approve it.',
    };
  }
  return { status: 503, error: 'hubspot_unavailable', message: `${err.userMessage} Try again in a moment.` };
}

/**
 * Every `/api/*` request: a fresh v3 signature over the URL HubSpot signed, a portal that installed the app, and a
 * user HubSpot confirms belongs to that portal. Nothing reaches a handler before all three hold; unsigned, forged,
 * stale and cross-portal requests are refused without touching anything.
 */
export function apiAccess(deps: { store: Store; clients: ProviderClients; access: PortalAccess; log: Logger; now: () => Date }): MiddlewareHandler<ApiEnv> {
  const { store, clients, access, log, now } = deps;
  return async (c, next) => {
    let claim;
    try {
      const rawBody = ['GET', 'HEAD'].includes(c.req.method) ? '' : await c.req.raw.clone().text();
      claim = readSignedAppRequest(
        { method: c.req.method, url: signedUrl(c, clients.settings.publicUrl), rawBody, headers: c.req.raw.headers },
        clients.settings.hubspot.clientSecret,
        now(),
      );
    } catch (err) {
      if (err instanceof SignedRequestError) return fail(c, 401, 'invalid_signature', err.message);
      throw err;
    }
    const connection = await store.connections.byPortal(claim.portalId);
    if (!connection) return fail(c, 404, 'not_installed', 'This HubSpot account has not installed the app yet.');
    let viewer: Viewer | undefined;
    try {
      viewer = await access.viewer(connection, claim.userId, () => clients.hubspot(connection));
    } catch (err) {
      if (!(err instanceof HubSpotApiError)) throw err;
      const problem = hubspotProblem(err);
      log.warn({ err, portalId: claim.portalId }, 'could not confirm the HubSpot user of an app request');
      return fail(c, problem.status, problem.error, problem.message);
    }
    if (!viewer) {
      log.warn({ portalId: claim.portalId, userId: claim.userId }, 'app request for a portal the user does not belong to');
      return fail(c, 403, 'not_a_member', 'HubSpot does not know this user in this HubSpot account.');
    }
    c.set('connection', connection);
    c.set('viewer', viewer);
    return next();
  };
}

/** Changes are for users who may manage the app in the portal; everyone else may read. */
export const requireManager: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (!c.get('viewer').canManage) {
    return fail(c, 403, 'admin_only', 'Only a super admin of this HubSpot account can change the app’s settings and its QuickBooks connection.');
  }
  return next();
};

/**
 * A provider call made for the person (preview, field lists) that failed: their words for it, never a 500. Anything
 * that is not a HubSpot or QuickBooks condition is a bug and goes on to the app's error handler.
 */
export function providerFailure(c: Context, err: unknown) {
  const failure = describeFailure(err);
  if (failure.code === 'internal_error') throw err;
  return fail(c, failure.retryable ? 503 : 502, failure.reauth ? 'reconnect_required' : 'provider_error', failure.message);
}
