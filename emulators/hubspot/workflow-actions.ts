import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../shared/clock';
import { HubSpotError, objectNotFound, validationError } from './errors';
import { allowQuery, parseBody, readJson, type HubSpotEnv } from './http';
import type { RecordService } from './objects/records';
import { requireObjectType } from './objects/types';
import { signatureHeaders } from './signatures';

/**
 * Custom workflow actions (https://developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/custom-action-guide):
 * HubSpot POSTs an execution to the action's `actionUrl`, signed v2 (plus v3 for OAuth apps), and the app either answers
 * with `outputFields` or blocks (`hs_execution_state: BLOCK`) and completes later through the callbacks API.
 */
export interface InvokeWorkflowActionInput {
  actionUrl: string;
  objectType: string;
  objectId: string | number;
  inputFields?: Record<string, string>;
  /** `objectRequestOptions.properties` of the definition: the enrolled record's properties sent as `object.properties`. */
  properties?: readonly string[];
  workflowId?: number;
  actionDefinitionId?: number;
  actionDefinitionVersion?: number;
}

export type ExecutionState = 'PENDING' | 'BLOCK' | 'SUCCESS' | 'FAIL_CONTINUE' | 'ERROR';

export interface ExecutionRecord {
  callbackId: string;
  request: Record<string, unknown>;
  httpStatus: number | 'network-error';
  responseBody: unknown;
  state: ExecutionState;
  outputFields: Record<string, string>;
  completedVia?: 'response' | 'callback';
  completedAt?: string;
  expiresAt?: string;
  failureReasonType?: string;
}

export interface InvokeResult {
  callbackId: string;
  status: number | 'network-error';
  body: unknown;
  execution: ExecutionRecord;
}

const ACTION_TIMEOUT_MS = 20_000;
const FINAL_STATES = new Set(['SUCCESS', 'FAIL_CONTINUE']);

export class WorkflowActions {
  readonly executions = new Map<string, ExecutionRecord>();
  private counter = 0;

  constructor(
    private readonly opts: { clock: Clock; fetch: typeof fetch; portalId: number; clientSecret: string; records: () => RecordService },
  ) {}

  reset(): void {
    this.executions.clear();
  }

  /** POSTs one action execution exactly as HubSpot does and records the outcome. */
  async invoke(input: InvokeWorkflowActionInput): Promise<InvokeResult> {
    const info = requireObjectType(input.objectType);
    const objectId = String(input.objectId);
    const record = this.opts.records().get(info.name, objectId);
    this.counter += 1;
    const executionId = 50_000_000_000 + this.counter;
    const callbackId = `ap-${this.opts.portalId}-${executionId}-${this.counter}-0`;
    const actionDefinitionId = input.actionDefinitionId ?? 10_860_211;
    const version = input.actionDefinitionVersion ?? 1;
    // Body shape of the docs' example execution (reference hubspot-api.md §11.1).
    const request: Record<string, unknown> = {
      callbackId,
      origin: { portalId: this.opts.portalId, actionDefinitionId, actionDefinitionVersion: version, extensionDefinitionId: actionDefinitionId, extensionDefinitionVersionId: version },
      context: { source: 'WORKFLOWS', workflowId: input.workflowId ?? 192_814_114 },
      object: {
        objectId: Number(objectId),
        objectType: info.upperName,
        ...(input.properties ? { properties: Object.fromEntries(input.properties.map((p) => [p, record.properties[p] ?? null])) } : {}),
      },
      inputFields: input.inputFields ?? {},
    };
    const body = JSON.stringify(request);
    const timestamp = this.opts.clock.now().getTime();
    const headers = { 'Content-Type': 'application/json', ...signatureHeaders('v2', this.opts.clientSecret, 'POST', input.actionUrl, body, timestamp) };
    const execution: ExecutionRecord = { callbackId, request, httpStatus: 'network-error', responseBody: undefined, state: 'PENDING', outputFields: {} };
    this.executions.set(callbackId, execution);
    try {
      const res = await this.opts.fetch(input.actionUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(ACTION_TIMEOUT_MS) });
      const text = await res.text();
      execution.httpStatus = res.status;
      execution.responseBody = parseMaybeJson(text);
    } catch {
      execution.state = 'ERROR';
      return { callbackId, status: 'network-error', body: undefined, execution };
    }
    this.applyResponse(execution);
    return { callbackId, status: execution.httpStatus, body: execution.responseBody, execution };
  }

  /** 2xx = the response's outputs complete the action, unless it blocks; anything else fails it (reference §11.2). */
  private applyResponse(execution: ExecutionRecord) {
    const status = execution.httpStatus;
    if (typeof status !== 'number' || status < 200 || status > 299) {
      execution.state = 'ERROR';
      return;
    }
    const outputs = outputFieldsOf(execution.responseBody);
    execution.outputFields = outputs;
    if (outputs.hs_execution_state === 'BLOCK') {
      execution.state = 'BLOCK';
      const duration = outputs.hs_expiration_duration;
      if (duration) execution.expiresAt = new Date(this.opts.clock.now().getTime() + isoDurationMs(duration)).toISOString();
      return;
    }
    execution.state = outputs.hs_execution_state === 'FAIL_CONTINUE' ? 'FAIL_CONTINUE' : 'SUCCESS';
    execution.completedVia = 'response';
    execution.completedAt = this.opts.clock.now().toISOString();
  }

  complete(callbackId: string, body: CompletionBody): void {
    const execution = this.executions.get(callbackId);
    if (!execution) throw objectNotFound(`No action execution with callbackId ${callbackId}`);
    if (execution.state !== 'BLOCK') {
      throw new HubSpotError(400, { message: `Callback ${callbackId} is not waiting for completion (state ${execution.state})`, category: 'VALIDATION_ERROR' });
    }
    const state = body.outputFields.hs_execution_state;
    if (state !== undefined && !FINAL_STATES.has(state)) {
      throw validationError(`hs_execution_state must be SUCCESS or FAIL_CONTINUE, got ${state}`);
    }
    if (execution.expiresAt && Date.parse(execution.expiresAt) <= this.opts.clock.now().getTime()) {
      throw new HubSpotError(400, { message: `Callback ${callbackId} expired at ${execution.expiresAt}`, category: 'VALIDATION_ERROR' });
    }
    execution.outputFields = body.outputFields;
    execution.state = state === 'FAIL_CONTINUE' ? 'FAIL_CONTINUE' : 'SUCCESS';
    execution.completedVia = 'callback';
    execution.completedAt = this.opts.clock.now().toISOString();
    if (body.failureReasonType !== undefined) execution.failureReasonType = body.failureReasonType;
  }
}

const completionSchema = z.strictObject({
  outputFields: z.record(z.string(), z.string()),
  typedOutputs: z.record(z.string(), z.unknown()).optional(),
  failureReasonType: z.string().optional(),
  requestContext: z.record(z.string(), z.unknown()).optional(),
});
type CompletionBody = z.infer<typeof completionSchema>;

const batchCompletionSchema = z.strictObject({
  inputs: z.array(completionSchema.extend({ callbackId: z.string() })),
});

/** `POST /automation/v4/actions/callbacks/{callbackId}/complete` and the batch form → 204 (SDK `CallbacksApi.js`). */
export function callbackRoutes(): Hono<HubSpotEnv> {
  const app = new Hono<HubSpotEnv>();
  // The completion scope is unconfirmed (reference §11.2); `automation` is the scope custom actions need.
  const scopes = ['automation'];
  app.post('/automation/v4/actions/callbacks/complete', async (c) => {
    c.get('auth').require(scopes);
    allowQuery(c, []);
    const body = parseBody(batchCompletionSchema, await readJson(c));
    const actions = c.get('emulator').workflowActions;
    for (const i of body.inputs) if (!actions.executions.has(i.callbackId)) throw objectNotFound(`No action execution with callbackId ${i.callbackId}`);
    c.get('emulator').transaction(() => {
      for (const { callbackId, ...rest } of body.inputs) actions.complete(callbackId, rest);
    });
    return c.body(null, 204);
  });
  app.post('/automation/v4/actions/callbacks/:callbackId/complete', async (c) => {
    c.get('auth').require(scopes);
    allowQuery(c, []);
    const body = parseBody(completionSchema, await readJson(c));
    c.get('emulator').workflowActions.complete(c.req.param('callbackId'), body);
    return c.body(null, 204);
  });
  return app;
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function outputFieldsOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const out = (body as { outputFields?: unknown }).outputFields;
  if (typeof out !== 'object' || out === null) return {};
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, String(v)]));
}

/** ISO-8601 durations like `P1WT1H` (the docs' `hs_expiration_duration` example). */
export function isoDurationMs(d: string): number {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(d);
  if (!m) throw validationError(`Invalid ISO-8601 duration ${d}`);
  const [y, mo, w, day, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number, number];
  return ((((y * 365 + mo * 30 + w * 7 + day) * 24 + h) * 60 + mi) * 60 + s) * 1000;
}
