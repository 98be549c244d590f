import { Hono } from 'hono';
import type { CreateInvoiceAction } from '../../deal-invoices/workflow-action';
import { verifyHubSpotRequest } from '../../hubspot/signature';
import { ActionRequestError, blockedOutputFields, outputFields, parseActionExecution } from '../../hubspot/workflow-action';
import type { Logger } from '../../log';
import { signedUrl } from '../public-url';

export interface WorkflowActionDeps {
  createInvoice: CreateInvoiceAction;
  log: Logger;
  now: () => Date;
  publicUrl: string;
  clientSecret: string;
}

/**
 * The actionUrl of the "Create invoice" custom workflow action (src/app/workflow-actions/create-invoice-hsmeta.json).
 * The signature is checked on the raw body before anything is parsed: v2 (what HubSpot documents for custom
 * actions) or v3 (which it adds for OAuth apps, refused past its 5-minute window); v1 covers no URL and is refused.
 * The portal is the signed body's `origin.portalId`, nothing else.
 */
export function workflowActionRoutes(deps: WorkflowActionDeps): Hono {
  return new Hono().post('/workflow-actions/create-invoice', async (c) => {
    const rawBody = await c.req.text();
    const verdict = verifyHubSpotRequest(
      { method: 'POST', url: signedUrl(c, deps.publicUrl), rawBody, headers: c.req.raw.headers },
      deps.clientSecret,
      deps.now(),
    );
    const reason = !verdict.ok
      ? verdict.reason
      : verdict.version === 'v1'
        ? 'a v1 signature does not cover the URL; workflow actions are signed v2 or v3'
        : undefined;
    if (reason !== undefined) {
      deps.log.warn({ reason }, 'refused a workflow action request with a bad signature');
      return c.json({ error: 'invalid_signature', message: reason }, 401);
    }
    let execution;
    try {
      execution = parseActionExecution(rawBody);
    } catch (err) {
      if (err instanceof ActionRequestError) return c.json({ error: 'malformed_execution', message: err.message }, 400);
      throw err;
    }
    if (execution.objectType !== 'DEAL') {
      return c.json({ error: 'unsupported_object', message: `"Create invoice" runs on deals, not on ${execution.objectType}.` }, 400);
    }
    const answer = await deps.createInvoice.execute(execution);
    deps.log.info(
      {
        portalId: execution.portalId,
        callbackId: execution.callbackId,
        dealId: execution.objectId,
        answer: answer.kind === 'blocked' ? 'BLOCK' : answer.result.state,
      },
      'workflow action answered',
    );
    return c.json({ outputFields: answer.kind === 'blocked' ? blockedOutputFields(answer.expiresIn) : outputFields(answer.result) });
  });
}
