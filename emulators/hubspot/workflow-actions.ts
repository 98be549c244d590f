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
 * with `outputFields` or blocks (`hs_execution_state: BLOCK`) and completes later through the callbacks API. A definition
 * registered from the project's `workflow-actions/*-hsmeta.json` (as `hs project upload` would) drives the execution like
 * HubSpot: its actionUrl, the enrolled object's `objectRequestOptions.properties`, its input fields checked as the
 * workflow editor would, and its execution rules turning the final outputs into the message workflow history shows.
 */
const definitionSchema = z.looseObject({
  uid: z.string().min(1),
  type: z.literal('workflow-action'),
  config: z.looseObject({
    actionUrl: z.string().url(),
    objectTypes: z.array(z.string()).min(1),
    inputFields: z
      .array(
        z.looseObject({
          typeDefinition: z.looseObject({ name: z.string(), type: z.string(), options: z.array(z.looseObject({ value: z.string() })).optional() }),
          isRequired: z.boolean().optional(),
        }),
      )
      .default([]),
    objectRequestOptions: z.looseObject({ properties: z.array(z.string()) }).optional(),
    executionRules: z.array(z.looseObject({ labelName: z.string(), conditions: z.record(z.string(), z.unknown()) })).default([]),
    labels: z.record(z.string(), z.looseObject({ executionRules: z.record(z.string(), z.string()).optional() })),
  }),
});

export interface WorkflowActionDefinition {
  uid: string;
  actionDefinitionId: number;
  version: number;
  config: z.infer<typeof definitionSchema>['config'];
}

interface InvokeCommon {
  objectId: string | number;
  inputFields?: Record<string, string>;
  workflowId?: number;
  /** Which signatures to send: v2 alone (what the custom-action docs promise) or v2 and v3 (every request to an OAuth app). */
  signatures?: 'v2' | 'v2+v3';
  /** The app's answer never reaches HubSpot (a timeout after the app did the work): the execution waits for a retry. */
  loseResponse?: boolean;
}

/** An execution of a registered definition, or a raw one naming its URL, object type and properties. */
export type InvokeWorkflowActionInput = InvokeCommon &
  (
    | { definition: string; /** The enrolled object's type; the definition's first one when omitted. */ objectType?: string }
    | { actionUrl: string; objectType: string; properties?: readonly string[]; actionDefinitionId?: number; actionDefinitionVersion?: number }
  );

export type ExecutionState = 'PENDING' | 'BLOCK' | 'SUCCESS' | 'FAIL_CONTINUE' | 'ERROR';

export interface ExecutionRecord {
  callbackId: string;
  definition?: string;
  actionUrl: string;
  request: Record<string, unknown>;
  /** POSTs made for this execution: the first plus retries. */
  attempts: number;
  signatures: 'v2' | 'v2+v3';
  httpStatus: number | 'network-error' | 'lost';
  responseBody: unknown;
  state: ExecutionState;
  outputFields: Record<string, string>;
  completedVia?: 'response' | 'callback';
  completedAt?: string;
  expiresAt?: string;
  failureReasonType?: string;
  /** The execution rule the final outputs matched, with its label as workflow history shows it. */
  executionRule?: { labelName: string; message: string };
}

export interface InvokeResult {
  callbackId: string;
  status: number | 'network-error' | 'lost';
  body: unknown;
  execution: ExecutionRecord;
}

const ACTION_TIMEOUT_MS = 20_000;
const FINAL_STATES = new Set(['SUCCESS', 'FAIL_CONTINUE']);

export class WorkflowActions {
  readonly executions = new Map<string, ExecutionRecord>();
  readonly definitions = new Map<string, WorkflowActionDefinition>();
  private counter = 0;

  constructor(private readonly opts: { clock: Clock; fetch: typeof fetch; portalId: number; clientSecret: string; records: () => RecordService }) {}

  reset(): void {
    this.executions.clear();
    this.definitions.clear();
  }

  /** Registers a `workflow-action` hsmeta file, `${VAR}` placeholders filled from `variables` (a project profile's). */
  registerDefinition(hsmeta: unknown, variables: Record<string, string> = {}): WorkflowActionDefinition {
    const parsed = definitionSchema.safeParse(substitute(hsmeta, variables));
    if (!parsed.success) throw validationError(`Invalid workflow action definition: ${z.prettifyError(parsed.error)}`);
    const previous = this.definitions.get(parsed.data.uid);
    const definition: WorkflowActionDefinition = {
      uid: parsed.data.uid,
      actionDefinitionId: previous?.actionDefinitionId ?? 10_860_211 + this.definitions.size,
      version: (previous?.version ?? 0) + 1,
      config: parsed.data.config,
    };
    this.definitions.set(definition.uid, definition);
    return definition;
  }

  /** POSTs one action execution exactly as HubSpot does and records the outcome. */
  async invoke(input: InvokeWorkflowActionInput): Promise<InvokeResult> {
    const definition = 'definition' in input ? this.definition(input.definition) : undefined;
    const info = requireObjectType(input.objectType ?? definition?.config.objectTypes[0] ?? '');
    if (definition && !definition.config.objectTypes.includes(info.upperName))
      throw validationError(`Action ${definition.uid} does not run on ${info.upperName}`);
    if (definition) checkInputs(definition, input.inputFields ?? {});
    const objectId = String(input.objectId);
    const record = this.opts.records().get(info.name, objectId);
    const properties = definition ? definition.config.objectRequestOptions?.properties : 'properties' in input ? input.properties : undefined;
    this.counter += 1;
    const executionId = 50_000_000_000 + this.counter;
    const callbackId = `ap-${this.opts.portalId}-${executionId}-${this.counter}-0`;
    const actionDefinitionId = definition?.actionDefinitionId ?? ('actionDefinitionId' in input ? input.actionDefinitionId : undefined) ?? 10_860_211;
    const version = definition?.version ?? ('actionDefinitionVersion' in input ? input.actionDefinitionVersion : undefined) ?? 1;
    const workflowId = input.workflowId ?? 192_814_114;
    // Body shape of the docs' example execution (custom-action-reference, "Example function"), with the context fields the SDK's
    // WorkflowsRequestContext names (actionId, actionExecutionIndexIdentifier).
    const request: Record<string, unknown> = {
      callbackId,
      origin: {
        portalId: this.opts.portalId,
        actionDefinitionId,
        actionDefinitionVersion: version,
        extensionDefinitionId: actionDefinitionId,
        extensionDefinitionVersionId: version,
      },
      context: { source: 'WORKFLOWS', workflowId, actionId: 1, actionExecutionIndexIdentifier: { enrollmentId: executionId, actionExecutionIndex: 0 } },
      object: {
        objectId: Number(objectId),
        objectType: info.upperName,
        ...(properties ? { properties: Object.fromEntries(properties.map((p) => [p, record.properties[p] ?? null])) } : {}),
      },
      inputFields: input.inputFields ?? {},
    };
    const execution: ExecutionRecord = {
      callbackId,
      actionUrl: definition?.config.actionUrl ?? ('actionUrl' in input ? input.actionUrl : ''),
      request,
      attempts: 0,
      signatures: input.signatures ?? 'v2+v3',
      httpStatus: 'network-error',
      responseBody: undefined,
      state: 'PENDING',
      outputFields: {},
      ...(definition ? { definition: definition.uid } : {}),
    };
    this.executions.set(callbackId, execution);
    await this.post(execution, input.loseResponse ?? false);
    return { callbackId, status: execution.httpStatus, body: execution.responseBody, execution };
  }

  /**
   * HubSpot sends an execution again when it got no usable answer (a timeout, a 429 or 5xx): same body and callbackId,
   * signed anew. HubSpot's docs leave the exact retry policy open; tests call this to play one retry.
   */
  async retry(callbackId: string, options: { loseResponse?: boolean } = {}): Promise<InvokeResult> {
    const execution = this.executions.get(callbackId);
    if (!execution) throw objectNotFound(`No action execution with callbackId ${callbackId}`);
    if (execution.state !== 'PENDING' && execution.state !== 'ERROR')
      throw validationError(`Execution ${callbackId} has an answer (state ${execution.state}); HubSpot does not retry it`);
    await this.post(execution, options.loseResponse ?? false);
    return { callbackId, status: execution.httpStatus, body: execution.responseBody, execution };
  }

  private definition(uid: string): WorkflowActionDefinition {
    const definition = this.definitions.get(uid);
    if (!definition) throw objectNotFound(`No workflow action definition ${uid}; register the project's hsmeta file first`);
    return definition;
  }

  private async post(execution: ExecutionRecord, loseResponse: boolean): Promise<void> {
    const body = JSON.stringify(execution.request);
    const timestamp = this.opts.clock.now().getTime();
    const signed = signatureHeaders('v2', this.opts.clientSecret, 'POST', execution.actionUrl, body, timestamp);
    if (execution.signatures === 'v2') {
      delete signed['X-HubSpot-Signature-v3'];
      delete signed['X-HubSpot-Request-Timestamp'];
    }
    execution.attempts += 1;
    execution.state = 'PENDING';
    try {
      const res = await this.opts.fetch(execution.actionUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...signed },
        body,
        signal: AbortSignal.timeout(ACTION_TIMEOUT_MS),
      });
      const text = await res.text();
      if (loseResponse) {
        execution.httpStatus = 'lost';
        execution.responseBody = undefined;
        return;
      }
      execution.httpStatus = res.status;
      execution.responseBody = parseMaybeJson(text);
    } catch {
      execution.httpStatus = 'network-error';
      execution.state = 'ERROR';
      return;
    }
    this.applyResponse(execution);
  }

  /**
   * 2xx = the response's outputs complete the action, unless it blocks; anything else fails it
   * (https://developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/custom-action-reference).
   */
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
    this.finish(execution, outputs.hs_execution_state === 'FAIL_CONTINUE' ? 'FAIL_CONTINUE' : 'SUCCESS', 'response');
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
    if (body.failureReasonType !== undefined) execution.failureReasonType = body.failureReasonType;
    this.finish(execution, state === 'FAIL_CONTINUE' ? 'FAIL_CONTINUE' : 'SUCCESS', 'callback');
  }

  private finish(execution: ExecutionRecord, state: 'SUCCESS' | 'FAIL_CONTINUE', via: 'response' | 'callback') {
    execution.state = state;
    execution.completedVia = via;
    execution.completedAt = this.opts.clock.now().toISOString();
    const definition = execution.definition ? this.definitions.get(execution.definition) : undefined;
    const rule = definition && matchingRule(definition, execution.outputFields);
    if (rule) execution.executionRule = rule;
  }
}

/** What the workflow editor enforces before an execution can exist: known fields, allowed options, required ones set. */
function checkInputs(definition: WorkflowActionDefinition, inputs: Record<string, string>): void {
  const fields = new Map(definition.config.inputFields.map((f) => [f.typeDefinition.name, f]));
  for (const [name, value] of Object.entries(inputs)) {
    const field = fields.get(name);
    if (!field) throw validationError(`Action ${definition.uid} has no input field ${name}`);
    const options = field.typeDefinition.options;
    if (field.typeDefinition.type === 'enumeration' && options && !options.some((o) => o.value === value)) {
      throw validationError(`${value} is not an option of ${name} (${options.map((o) => o.value).join(', ')})`);
    }
  }
  for (const field of definition.config.inputFields) {
    if (field.isRequired && !(field.typeDefinition.name in inputs)) throw validationError(`Input field ${field.typeDefinition.name} is required`);
  }
}

/**
 * The first execution rule whose conditions all hold for the outputs (a string equals, a list contains), its label
 * rendered with the outputs in `{{ name }}` placeholders
 * (https://developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/custom-action-reference, execution rules).
 */
function matchingRule(definition: WorkflowActionDefinition, outputs: Record<string, string>): { labelName: string; message: string } | undefined {
  const holds = (expected: unknown, actual: string | undefined) => (Array.isArray(expected) ? expected.includes(actual) : expected === actual);
  const rule = definition.config.executionRules.find((r) => Object.entries(r.conditions).every(([field, expected]) => holds(expected, outputs[field])));
  if (!rule) return undefined;
  const label = definition.config.labels['en']?.executionRules?.[rule.labelName] ?? rule.labelName;
  return { labelName: rule.labelName, message: label.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => outputs[name] ?? '') };
}

/** `${VAR}` in every string of a project file, as the project parser fills them from a profile (`hsprofile.<name>.json`). */
function substitute(value: unknown, variables: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\$\{(\w+)\}/g, (whole, name: string) => variables[name] ?? whole);
  if (Array.isArray(value)) return value.map((v) => substitute(v, variables));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, variables)]));
  return value;
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
  // HubSpot's OpenAPI for automation/v4/actions (api.hubspot.com/api-catalog-public/v1/apis/automation/v4/actions)
  // secures both completion endpoints with the `automation` scope.
  const scopes = ['automation'];
  app.post('/automation/v4/actions/callbacks/complete', async (c) => {
    c.get('auth').require(scopes);
    allowQuery(c, []);
    const body = parseBody(batchCompletionSchema, await readJson(c));
    const actions = c.get('core').workflowActions;
    for (const i of body.inputs) if (!actions.executions.has(i.callbackId)) throw objectNotFound(`No action execution with callbackId ${i.callbackId}`);
    c.get('core').transaction(() => {
      for (const { callbackId, ...rest } of body.inputs) actions.complete(callbackId, rest);
    });
    return c.body(null, 204);
  });
  app.post('/automation/v4/actions/callbacks/:callbackId/complete', async (c) => {
    c.get('auth').require(scopes);
    allowQuery(c, []);
    const body = parseBody(completionSchema, await readJson(c));
    c.get('core').workflowActions.complete(c.req.param('callbackId'), body);
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
