import { Signature } from '@hubspot/api-client';
import { startHarness, expectHubSpotError, failure, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.started.emulator.reset();
  h.app.received.length = 0;
  h.app.respond(200);
  h.started.emulator.setWebhookTarget({ url: `${h.app.url}/webhooks/hubspot` });
});

const batches = () => h.app.received.filter((r) => r.url.includes('/webhooks/')).map((r) => JSON.parse(r.body) as Record<string, unknown>[]);

describe('Webhooks', () => {
  test('app writes arrive as INTEGRATION events with sourceId = app id, signed v1 and v3', async () => {
    const c = await h.client.crm.contacts.basicApi.create({ properties: { email: 'w@example.com' }, associations: [] });
    await h.started.emulator.flushWebhooks();
    expect(h.app.received).toHaveLength(1);
    const req = h.app.received[0]!;
    const events = JSON.parse(req.body) as Record<string, unknown>[];
    const { appId, portalId, clientSecret } = h.started.info;
    expect(events).toEqual([
      {
        eventId: expect.any(Number),
        subscriptionId: expect.any(Number),
        portalId,
        appId,
        occurredAt: expect.any(Number),
        subscriptionType: 'contact.creation',
        attemptNumber: 0,
        objectId: Number(c.id),
        changeFlag: 'CREATED',
        changeSource: 'INTEGRATION',
        sourceId: String(appId),
      },
      expect.objectContaining({
        subscriptionType: 'contact.propertyChange',
        propertyName: 'email',
        propertyValue: 'w@example.com',
        changeSource: 'INTEGRATION',
        sourceId: String(appId),
      }),
    ]);
    expect(Signature.isValid({ signatureVersion: 'v1', signature: req.headers['x-hubspot-signature']!, clientSecret, requestBody: req.body })).toBe(true);
    expect(req.headers['x-hubspot-signature-version']).toBe('v1');
    // The SDK checks v3 freshness against the wall clock; the harness clock starts at the wall clock.
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: req.headers['x-hubspot-signature-v3']!,
        clientSecret,
        requestBody: req.body,
        url: req.url,
        method: 'POST',
        timestamp: Number(req.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
  });

  test('user edits are CRM_UI with userId sourceId; deletions and merges emit their events; no-op writes emit nothing', async () => {
    const emu = h.started.emulator;
    const a = emu.createAsUser('contacts', { email: 'u1@example.com' });
    const b = emu.createAsUser('contacts', { email: 'u2@example.com' });
    emu.editAsUser('contacts', a.id, { firstname: 'Ann' });
    emu.editAsUser('contacts', a.id, { firstname: 'Ann' });
    emu.mergeAsUser('contacts', a.id, b.id);
    emu.deleteAsUser('contacts', a.id);
    const deal = emu.createAsUser('deals', { dealname: 'X', pipeline: 'default', dealstage: 'closedwon' });
    const invoice = await h.client.crm.commerce.invoices.basicApi.create({ properties: { hs_currency: 'USD' }, associations: [] });
    await emu.flushWebhooks();
    const events = batches().flat();
    const types = events.map((e) => `${String(e.subscriptionType)}:${String(e.propertyName ?? '')}`);
    expect(types.filter((t) => t === 'contact.propertyChange:firstname')).toHaveLength(1);
    expect(events.find((e) => e.subscriptionType === 'contact.propertyChange' && e.propertyName === 'firstname')).toMatchObject({
      changeSource: 'CRM_UI',
      sourceId: `userId:${emu.config.userId}`,
      propertyValue: 'Ann',
    });
    expect(events.find((e) => e.subscriptionType === 'contact.merge')).toMatchObject({ primaryObjectId: Number(a.id), mergedObjectIds: [Number(b.id)] });
    expect(events.find((e) => e.subscriptionType === 'contact.deletion')).toMatchObject({ objectId: Number(a.id) });
    expect(events.find((e) => e.subscriptionType === 'deal.creation')).toMatchObject({ objectId: Number(deal.id) });
    expect(events.find((e) => e.subscriptionType === 'object.creation')).toMatchObject({ objectTypeId: '0-53', objectId: Number(invoice.id) });
  });

  test('batches hold at most 100 events', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => ({ properties: { email: `m${i}@example.com` }, associations: [] }));
    await h.client.crm.contacts.batchApi.create({ inputs });
    await h.started.emulator.flushWebhooks();
    expect(batches().map((b) => b.length)).toEqual([100, 100]);
  });

  test('failed deliveries are retried on the emulator clock with attemptNumber incremented', async () => {
    h.app.respond(500);
    await h.client.crm.contacts.basicApi.create({ properties: {}, associations: [] });
    await h.started.emulator.flushWebhooks();
    expect(batches()).toHaveLength(1);
    await h.started.emulator.flushWebhooks();
    expect(batches()).toHaveLength(1);
    h.app.respond(200);
    h.started.emulator.advanceClock(60_000);
    await h.started.emulator.flushWebhooks();
    expect(batches().map((b) => b[0]!.attemptNumber)).toEqual([0, 1]);
    expect(h.started.emulator.webhooks.pendingRetries()).toEqual([]);
  });

  test('drop mode loses webhooks (events are logged, nothing is delivered)', async () => {
    h.started.emulator.dropWebhooks();
    await h.client.crm.contacts.basicApi.create({ properties: {}, associations: [] });
    await h.started.emulator.flushWebhooks();
    expect(h.app.received).toHaveLength(0);
    expect(h.started.emulator.webhooks.attempts.map((a) => a.status)).toEqual(['dropped']);
  });

  test('POST /__emulator/webhook-target chooses where batches go', async () => {
    const res = await fetch(`${h.started.info.url}/__emulator/webhook-target`, {
      method: 'POST',
      body: JSON.stringify({ url: `${h.app.url}/webhooks/other` }),
    });
    expect(res.status).toBe(200);
    h.started.emulator.createAsUser('companies', { name: 'Elsewhere' });
    await h.started.emulator.flushWebhooks();
    expect(h.app.received[0]!.url).toBe(`${h.app.url}/webhooks/other`);
  });
});

describe('Signed app requests (hubspot.fetch)', () => {
  test('appends appId (and nothing else) and signs v2 and v3 over JSON.stringify(body)', async () => {
    const res = await h.started.emulator.signedFetch(`${h.app.url}/api/settings?x=1&userId=42`, { method: 'POST', body: { enabled: true } });
    expect(res.status).toBe(200);
    const req = h.app.received[0]!;
    const url = new URL(req.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({ x: '1', userId: '42', appId: String(h.started.info.appId) });
    const { clientSecret } = h.started.info;
    expect(req.body).toBe('{"enabled":true}');
    expect(req.headers['content-type']).toBe('application/json');
    expect(
      Signature.isValid({
        signatureVersion: 'v2',
        signature: req.headers['x-hubspot-signature']!,
        clientSecret,
        requestBody: req.body,
        url: req.url,
        method: 'POST',
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: req.headers['x-hubspot-signature-v3']!,
        clientSecret,
        requestBody: req.body,
        url: req.url,
        method: 'POST',
        timestamp: Number(req.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
    await h.started.emulator.signedFetch(`${h.app.url}/api/invoices`);
    const get = h.app.received[1]!;
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: get.headers['x-hubspot-signature-v3']!,
        clientSecret,
        requestBody: '',
        url: get.url,
        method: 'GET',
        timestamp: Number(get.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
  });

  test('POST /__emulator/app-fetch sends one from a shell and answers what the backend answered', async () => {
    h.app.respond(201, { saved: true });
    const res = await fetch(`${h.started.info.url}/__emulator/app-fetch`, {
      method: 'POST',
      body: JSON.stringify({ url: `${h.app.url}/api/settings/contacts/enable?userId=42`, method: 'POST' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ saved: true });
    const req = h.app.received[0]!;
    expect(new URL(req.url).searchParams.get('appId')).toBe(String(h.started.info.appId));
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: req.headers['x-hubspot-signature-v3']!,
        clientSecret: h.started.info.clientSecret,
        requestBody: '',
        url: req.url,
        method: 'POST',
        timestamp: Number(req.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
  });
});

describe('Workflow actions', () => {
  test('POSTs the execution signed v2 with requested properties; a blocked execution completes through the callbacks API', async () => {
    const emu = h.started.emulator;
    const deal = emu.createAsUser('deals', { dealname: 'Invoice me', pipeline: 'default', dealstage: 'closedwon', amount: '100' });
    h.app.respond(200, { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1WT1H' } });
    const result = await emu.invokeWorkflowAction({
      actionUrl: `${h.app.url}/actions/create-invoice`,
      objectType: 'deals',
      objectId: deal.id,
      inputFields: { terms: 'net30' },
      properties: ['amount', 'dealname'],
    });
    const req = h.app.received.find((r) => r.url.endsWith('/actions/create-invoice'))!;
    const body = JSON.parse(req.body) as Record<string, unknown>;
    expect(body).toEqual({
      callbackId: result.callbackId,
      origin: {
        portalId: h.started.info.portalId,
        actionDefinitionId: expect.any(Number),
        actionDefinitionVersion: 1,
        extensionDefinitionId: expect.any(Number),
        extensionDefinitionVersionId: 1,
      },
      context: {
        source: 'WORKFLOWS',
        workflowId: expect.any(Number),
        actionId: expect.any(Number),
        actionExecutionIndexIdentifier: { enrollmentId: expect.any(Number), actionExecutionIndex: 0 },
      },
      object: { objectId: Number(deal.id), objectType: 'DEAL', properties: { amount: '100', dealname: 'Invoice me' } },
      inputFields: { terms: 'net30' },
    });
    const { clientSecret } = h.started.info;
    expect(req.headers['x-hubspot-signature-version']).toBe('v2');
    expect(
      Signature.isValid({
        signatureVersion: 'v2',
        signature: req.headers['x-hubspot-signature']!,
        clientSecret,
        requestBody: req.body,
        url: req.url,
        method: 'POST',
      }),
    ).toBe(true);
    expect(emu.callbacks[0]!.state).toBe('BLOCK');

    await h.client.automation.actions.callbacksApi.complete(result.callbackId, { outputFields: { hs_execution_state: 'SUCCESS', qboInvoiceId: '130' } });
    expect(emu.callbacks[0]).toMatchObject({ state: 'SUCCESS', completedVia: 'callback', outputFields: { qboInvoiceId: '130' } });
    const twice = await failure(h.client.automation.actions.callbacksApi.complete(result.callbackId, { outputFields: { hs_execution_state: 'SUCCESS' } }));
    expect(twice.code).toBe(400);
    const unknown = await failure(h.client.automation.actions.callbacksApi.complete('ap-0-0-0-0', { outputFields: {} }));
    expect(unknown.code).toBe(404);
    expectHubSpotError(unknown.body, 'OBJECT_NOT_FOUND');
  });

  test('synchronous outputs complete the execution; batch completion records each outcome', async () => {
    const emu = h.started.emulator;
    const deal = emu.createAsUser('deals', { dealname: 'Sync', pipeline: 'default', dealstage: 'closedwon' });
    h.app.respond(200, { outputFields: { qboInvoiceId: '7' } });
    await emu.invokeWorkflowAction({ actionUrl: `${h.app.url}/actions/a`, objectType: 'deals', objectId: deal.id });
    expect(emu.callbacks[0]).toMatchObject({ state: 'SUCCESS', completedVia: 'response', outputFields: { qboInvoiceId: '7' } });
    h.app.respond(200, { outputFields: { hs_execution_state: 'BLOCK' } });
    const r1 = await emu.invokeWorkflowAction({ actionUrl: `${h.app.url}/actions/a`, objectType: 'deals', objectId: deal.id });
    const r2 = await emu.invokeWorkflowAction({ actionUrl: `${h.app.url}/actions/a`, objectType: 'deals', objectId: deal.id });
    await h.client.automation.actions.callbacksApi.completeBatch({
      inputs: [
        { callbackId: r1.callbackId, outputFields: { hs_execution_state: 'SUCCESS' } },
        { callbackId: r2.callbackId, outputFields: { hs_execution_state: 'FAIL_CONTINUE', errorCode: 'QBO_CUSTOMER_MISSING' } },
      ],
    });
    expect(emu.callbacks.map((x) => x.state)).toEqual(['SUCCESS', 'SUCCESS', 'FAIL_CONTINUE']);
  });
});

describe('Workflow actions from a project definition', () => {
  const definition = (actionUrl: string) => ({
    uid: 'make_thing',
    type: 'workflow-action',
    config: {
      actionUrl: '${BACKEND_URL}/actions/make-thing',
      isPublished: true,
      supportedClients: [{ client: 'WORKFLOWS' }],
      objectTypes: ['DEAL'],
      objectRequestOptions: { properties: ['dealname', 'amount'] },
      inputFields: [
        {
          typeDefinition: {
            name: 'size',
            type: 'enumeration',
            fieldType: 'select',
            options: [
              { value: 'small', label: 'Small' },
              { value: 'large', label: 'Large' },
            ],
          },
          supportedValueTypes: ['STATIC_VALUE'],
          isRequired: true,
        },
        { typeDefinition: { name: 'note', type: 'string', fieldType: 'text' }, supportedValueTypes: ['STATIC_VALUE'], isRequired: false },
      ],
      outputFields: [{ typeDefinition: { name: 'errorCode', type: 'string' } }, { typeDefinition: { name: 'reason', type: 'string' } }],
      executionRules: [
        { labelName: 'tooBig', conditions: { errorCode: 'TOO_BIG' } },
        { labelName: 'other', conditions: { errorCode: ['IO', 'OTHER'] } },
      ],
      labels: {
        en: { actionName: 'Make thing', executionRules: { tooBig: 'The thing is too big: {{ reason }}', other: 'Something else failed ({{errorCode}})' } },
      },
    },
    variables: { BACKEND_URL: actionUrl },
  });
  const register = () => {
    const { variables, ...hsmeta } = definition(h.app.url);
    return h.started.emulator.registerWorkflowAction(hsmeta, variables);
  };
  const lastBody = () => JSON.parse(h.app.received.at(-1)!.body) as Record<string, any>;

  test("the execution goes to the definition's actionUrl with its requested properties; inputs are checked as the editor would", async () => {
    const emu = h.started.emulator;
    const registered = register();
    expect(registered).toMatchObject({ uid: 'make_thing', version: 1, config: { actionUrl: `${h.app.url}/actions/make-thing` } });
    const deal = emu.createAsUser('deals', { dealname: 'Thing', pipeline: 'default', dealstage: 'closedwon', amount: '12' });
    await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'small' } });
    expect(h.app.received.at(-1)!.url).toBe(`${h.app.url}/actions/make-thing`);
    expect(lastBody()).toMatchObject({
      origin: { actionDefinitionId: registered.actionDefinitionId, actionDefinitionVersion: 1 },
      object: { objectType: 'DEAL', properties: { dealname: 'Thing', amount: '12' } },
      inputFields: { size: 'small' },
    });
    await expect(emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'huge' } })).rejects.toThrow(
      /not an option of size/,
    );
    await expect(emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: {} })).rejects.toThrow(/size is required/);
    await expect(emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'small', colour: 'red' } })).rejects.toThrow(
      /no input field colour/,
    );
    await expect(emu.invokeWorkflowAction({ definition: 'nope', objectId: deal.id })).rejects.toThrow(/No workflow action definition nope/);
  });

  test('signatures: v2 alone when asked, otherwise v2 and v3', async () => {
    const emu = h.started.emulator;
    register();
    const deal = emu.createAsUser('deals', { dealname: 'Signed', pipeline: 'default', dealstage: 'closedwon' });
    await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'small' }, signatures: 'v2' });
    const v2 = h.app.received.at(-1)!;
    expect(v2.headers['x-hubspot-signature-version']).toBe('v2');
    expect(v2.headers['x-hubspot-signature-v3']).toBeUndefined();
    expect(
      Signature.isValid({
        signatureVersion: 'v2',
        signature: v2.headers['x-hubspot-signature']!,
        clientSecret: h.started.info.clientSecret,
        requestBody: v2.body,
        url: v2.url,
        method: 'POST',
      }),
    ).toBe(true);
    await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'small' } });
    expect(h.app.received.at(-1)!.headers['x-hubspot-signature-v3']).toEqual(expect.any(String));
  });

  test('execution rules: the final outputs pick the label workflow history shows, from the response or the callback', async () => {
    const emu = h.started.emulator;
    register();
    const deal = emu.createAsUser('deals', { dealname: 'Ruled', pipeline: 'default', dealstage: 'closedwon' });
    h.app.respond(200, { outputFields: { hs_execution_state: 'FAIL_CONTINUE', errorCode: 'TOO_BIG', reason: '12 m' } });
    const sync = await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'large' } });
    expect(sync.execution).toMatchObject({ state: 'FAIL_CONTINUE', executionRule: { labelName: 'tooBig', message: 'The thing is too big: 12 m' } });

    h.app.respond(200, { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' } });
    const blocked = await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'large' } });
    expect(blocked.execution.executionRule).toBeUndefined();
    await h.client.automation.actions.callbacksApi.complete(blocked.callbackId, { outputFields: { hs_execution_state: 'FAIL_CONTINUE', errorCode: 'IO' } });
    expect(emu.callbacks.find((e) => e.callbackId === blocked.callbackId)).toMatchObject({
      completedVia: 'callback',
      executionRule: { labelName: 'other', message: 'Something else failed (IO)' },
    });

    h.app.respond(200, { outputFields: { hs_execution_state: 'SUCCESS' } });
    expect(
      (await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'small' } })).execution.executionRule,
    ).toBeUndefined();
  });

  test("an answer lost on the way back leaves the execution pending; HubSpot's retry sends the same callbackId, signed anew", async () => {
    const emu = h.started.emulator;
    register();
    const deal = emu.createAsUser('deals', { dealname: 'Lost', pipeline: 'default', dealstage: 'closedwon' });
    h.app.respond(200, { outputFields: { hs_execution_state: 'SUCCESS', thing: '1' } });
    const lost = await emu.invokeWorkflowAction({ definition: 'make_thing', objectId: deal.id, inputFields: { size: 'small' }, loseResponse: true });
    expect(lost.execution).toMatchObject({ state: 'PENDING', httpStatus: 'lost', attempts: 1 });
    const first = h.app.received.at(-1)!;
    h.clock.advance(60_000);
    const res = await fetch(`${h.started.info.url}/__emulator/workflow-actions/retry`, {
      method: 'POST',
      body: JSON.stringify({ callbackId: lost.callbackId }),
    });
    expect(((await res.json()) as { execution: { state: string } }).execution.state).toBe('SUCCESS');
    const second = h.app.received.at(-1)!;
    expect(second.body).toBe(first.body);
    expect(second.headers['x-hubspot-request-timestamp']).not.toBe(first.headers['x-hubspot-request-timestamp']);
    expect(emu.callbacks.find((e) => e.callbackId === lost.callbackId)).toMatchObject({ state: 'SUCCESS', attempts: 2, outputFields: { thing: '1' } });
    await expect(emu.retryWorkflowAction(lost.callbackId)).rejects.toThrow(/has an answer/);
  });

  test('control plane: register a definition and invoke it by uid', async () => {
    const { url } = h.started.info;
    const { variables, ...hsmeta } = definition(h.app.url);
    const post = (path: string, body: unknown) => fetch(`${url}/__emulator${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('/workflow-actions/definitions', { hsmeta, variables })).status).toBe(201);
    const deal = h.started.emulator.createAsUser('deals', { dealname: 'Plane', pipeline: 'default', dealstage: 'closedwon' });
    h.app.respond(200, { outputFields: { hs_execution_state: 'SUCCESS' } });
    const res = await post('/workflow-actions/invoke', { definition: 'make_thing', objectId: deal.id, inputFields: { size: 'large' } });
    expect(((await res.json()) as { execution: { state: string; actionUrl: string } }).execution).toMatchObject({
      state: 'SUCCESS',
      actionUrl: `${h.app.url}/actions/make-thing`,
    });
  });
});

describe('App events (timeline)', () => {
  test('occurrences validate against the event type and are readable per record', async () => {
    const emu = h.started.emulator;
    const type = emu.registerAppEventType({
      uid: 'qbo_payment',
      type: 'app-event',
      config: {
        name: 'QBO payment',
        objectType: 'DEAL',
        headerTemplate: 'Payment of {{amount}}',
        properties: [
          { name: 'amount', label: 'Amount', type: 'number' },
          { name: 'method', label: 'Method', type: 'enumeration', options: [{ value: 'card', label: 'Card' }] },
        ],
      },
    });
    const deal = emu.createAsUser('deals', { dealname: 'Paid', pipeline: 'default', dealstage: 'closedwon' });
    const { url, accessToken } = h.started.info;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post('/integrators/timeline/v4/events', {
      eventTypeName: type.fullyQualifiedName,
      objectId: deal.id,
      id: 'pay-1',
      properties: { amount: '50', method: 'card' },
    });
    expect(ok.status).toBe(204);
    const batch = await post('/integrators/timeline/v4/events/batch', {
      inputs: [{ eventTypeName: 'qbo_payment', objectId: deal.id, id: 'pay-2', properties: { amount: 20 } }],
    });
    expect(batch.status).toBe(204);
    expect(emu.timelineEvents('deals', deal.id).map((o) => [o.id, o.properties.amount])).toEqual([
      ['pay-1', '50'],
      ['pay-2', '20'],
    ]);
    const immutable = await post('/integrators/timeline/v4/events', { eventTypeName: type.fullyQualifiedName, objectId: deal.id, id: 'pay-1' });
    expect(immutable.status).toBe(409);
    const badProp = await post('/integrators/timeline/v4/events', { eventTypeName: type.fullyQualifiedName, objectId: deal.id, properties: { nope: 1 } });
    expect(badProp.status).toBe(400);
    expectHubSpotError((await badProp.json()) as Record<string, unknown>, 'VALIDATION_ERROR');
    const badOption = await post('/integrators/timeline/v4/events', {
      eventTypeName: type.fullyQualifiedName,
      objectId: deal.id,
      properties: { method: 'cash' },
    });
    expect(badOption.status).toBe(400);
  });
});

describe('Errors, limits and faults', () => {
  test('429 with rate-limit headers past the per-app budget, and headers on normal responses', async () => {
    h.started.emulator.setRateLimit({ max: 3, intervalMs: 10_000 });
    const { url, accessToken } = h.started.info;
    const get = () => fetch(`${url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${accessToken}` } });
    const first = await get();
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    await get();
    await get();
    const limited = await failure(h.client.crm.contacts.basicApi.getPage());
    expect(limited.code).toBe(429);
    expect(limited.body).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'You have reached your ten_secondly_rolling limit.',
    });
    h.started.emulator.advanceClock(10_000);
    expect((await get()).status).toBe(200);
  });

  test('injected faults answer with HubSpot error bodies, then clear', async () => {
    h.started.emulator.injectFault({ path: '/crm/v3/objects/deals', status: 502, times: 1 });
    const bad = await failure(h.client.crm.deals.basicApi.getPage());
    expect(bad.code).toBe(502);
    expectHubSpotError(bad.body, 'BAD_GATEWAY');
    expect((await h.client.crm.deals.basicApi.getPage()).results).toEqual([]);
  });

  test('control plane: seed deals with line items in a pipeline, read state', async () => {
    const res = await fetch(`${h.started.info.url}/__emulator/seed`, {
      method: 'POST',
      body: JSON.stringify({
        contacts: [{ email: 's@example.com' }],
        products: [{ name: 'P', price: '10' }],
        deals: [{ properties: { dealname: 'Seeded' }, lineItems: [{ productIndex: 0, properties: { quantity: '3' } }], contactIndexes: [0] }],
      }),
    });
    expect(res.status).toBe(201);
    const seeded = (await res.json()) as { deals: { id: string; lineItems: string[] }[] };
    const deal = await h.client.crm.deals.basicApi.getById(seeded.deals[0]!.id, undefined, undefined, ['line_items', 'contacts']);
    expect(deal.properties).toMatchObject({ dealname: 'Seeded', pipeline: 'default', dealstage: 'appointmentscheduled' });
    expect(deal.associations?.line_items?.results.map((r) => r.id)).toEqual(seeded.deals[0]!.lineItems);
    const li = await h.client.crm.lineItems.basicApi.getById(seeded.deals[0]!.lineItems[0]!);
    expect(li.properties.amount).toBe('30.00');
    await h.started.emulator.flushWebhooks();
    expect(h.app.received).toHaveLength(0);
  });
});
