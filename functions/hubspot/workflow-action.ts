import { z } from 'zod';

/**
 * The wire format of custom workflow actions (https://developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/custom-action-reference;
 * and @hubspot/api-client's automation.actions models): the execution HubSpot POSTs to the actionUrl, and the `outputFields` the app answers
 * with or completes a blocked execution with.
 */
export interface ActionExecution {
  callbackId: string;
  /** From the signed body's `origin`: the only place the portal comes from. */
  portalId: number;
  /** Upper-case, as HubSpot names it: `DEAL`, `CONTACT`. */
  objectType: string;
  objectId: string;
  /** The enrolled record's properties the definition asked for (`objectRequestOptions`), when HubSpot sent them. */
  properties: Record<string, string | null> | undefined;
  /** Input values as strings; older payloads name them `fields`. */
  inputs: Record<string, string>;
  workflowId: number | undefined;
}

export class ActionRequestError extends Error {
  override readonly name = 'ActionRequestError';
}

const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const executionSchema = z.looseObject({
  callbackId: z.string().min(1),
  origin: z.looseObject({ portalId: id }),
  context: z.looseObject({ workflowId: z.number().optional() }).optional(),
  object: z.looseObject({
    // A record id, never an empty or free-form string: it goes on into HubSpot API paths.
    objectId: id.transform(String),
    objectType: z.string().min(1),
    properties: z
      .record(
        z.string(),
        scalar.nullable().transform((v) => (v === null ? null : String(v))),
      )
      .optional(),
  }),
  inputFields: z.record(z.string(), scalar.nullable()).optional(),
  fields: z.record(z.string(), scalar.nullable()).optional(),
});

export function parseActionExecution(rawBody: string): ActionExecution {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new ActionRequestError('the body is not JSON');
  }
  const parsed = executionSchema.safeParse(json);
  if (!parsed.success) throw new ActionRequestError(`not a workflow action execution: ${z.prettifyError(parsed.error)}`);
  const { callbackId, origin, context, object, inputFields, fields } = parsed.data;
  const inputs = Object.fromEntries(Object.entries(inputFields ?? fields ?? {}).flatMap(([k, v]) => (v === null ? [] : [[k, String(v)]])));
  return {
    callbackId,
    portalId: origin.portalId,
    objectType: object.objectType.toUpperCase(),
    objectId: object.objectId,
    properties: object.properties,
    inputs,
    workflowId: context?.workflowId,
  };
}

/** How an execution ends: its state and output values (strings: `CallbackCompletionRequest.outputFields`). */
export interface ActionResult {
  state: 'SUCCESS' | 'FAIL_CONTINUE';
  outputs: Record<string, string>;
}

/** The `outputFields` of an answer or a callback completion. */
export const outputFields = (result: ActionResult): Record<string, string> => ({ ...result.outputs, hs_execution_state: result.state });

/** The answer that keeps the execution waiting for a callback completion, for at most `expiresIn` (ISO-8601 duration). */
export const blockedOutputFields = (expiresIn: string): Record<string, string> => ({ hs_execution_state: 'BLOCK', hs_expiration_duration: expiresIn });
