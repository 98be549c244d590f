import { ensureAppProperties } from '../functions/sync/app-properties';
import type { SyncCounts } from '../functions/sync/two-way/run';
import type { FlowSettings } from '../functions/sync/two-way/settings';
import type { Harness } from '../tests/helpers/harness';
import { log, percentile } from './measure';

/**
 * The benchmark's workloads, each on a harness (tests/helpers/harness.ts): the product between its two emulators on
 * a simulated clock, so waits that are part of the design (queue polling, reconciliation every 5 minutes, QBO's 500
 * requests a minute) cost what they would in production without the benchmark waiting for them. Wall-clock figures
 * are the work itself: the product and both emulators, in one process.
 */

/** What one product-side counter moved by while `work` ran. */
async function counted<T>(h: Harness, work: () => Promise<T>) {
  const before = { calls: h.qboCalls.count, reads: h.qboCalls.reads, hubspot: h.hubspot.emulator.requestsServed };
  const result = await work();
  return {
    result,
    qboCalls: h.qboCalls.count - before.calls,
    qboReads: h.qboCalls.reads - before.reads,
    hubspotCalls: h.hubspot.emulator.requestsServed - before.hubspot,
  };
}

/** An installed, connected portal with the app's properties, contacts sync settings saved and the sync on. */
export async function connected(h: Harness) {
  const connection = await h.connect();
  await ensureAppProperties(h.runtime.clients.hubspot(connection));
  const { settings } = await h.runtime.sync.settings(connection.id, 'contacts');
  await h.runtime.sync.saveSettings(connection.id, 'contacts', settings);
  return connection;
}

export interface FirstSyncFigures {
  customers: number;
  createsPerMin: number;
  qboCalls: number;
  qboReads: number;
  hubspotCalls: number;
  simulatedSeconds: number;
  wallSeconds: number;
}

/** A first sync of `n` HubSpot contacts into an empty QBO company, with progress every tenth. */
export async function firstSync(h: Harness, connectionId: string, n: number): Promise<FirstSyncFigures> {
  log(`First sync: ${n} HubSpot contacts, none in QuickBooks yet`);
  const batch = 10_000;
  for (let from = 0; from < n; from += batch) {
    h.hubspot.emulator.seed({
      contacts: Array.from({ length: Math.min(batch, n - from) }, (_, k) => {
        const i = from + k;
        return { email: `person${i}@bench.example`, firstname: 'Person', lastname: `${i}`, city: i % 2 === 0 ? 'Oslo' : 'Bergen' };
      }),
    });
  }
  await h.runtime.store.syncSettings.setEnabled(connectionId, 'contacts', true);
  const simStart = h.clock.now().getTime();
  const wallStart = performance.now();
  let shown = 0;
  const run = await counted(h, () =>
    h.runtime.sync.runFirstSync<SyncCounts>(connectionId, 'contacts', ({ done, total, phase }) => {
      if (done - shown >= total / 10 || done === total) {
        shown = done;
        log(`  ${done}/${total} (${phase}) after ${((performance.now() - wallStart) / 1000).toFixed(0)} s`);
      }
    }),
  );
  const simulatedSeconds = (h.clock.now().getTime() - simStart) / 1000;
  const created = run.result.createdInQbo;
  if (created !== n) throw new Error(`the first sync created ${created} of ${n} customers: ${JSON.stringify(run.result)}`);
  return {
    customers: n,
    createsPerMin: simulatedSeconds === 0 ? Infinity : (created / simulatedSeconds) * 60,
    qboCalls: run.qboCalls,
    qboReads: run.qboReads,
    hubspotCalls: run.hubspotCalls,
    simulatedSeconds,
    wallSeconds: (performance.now() - wallStart) / 1000,
  };
}

interface Edit {
  landed: () => boolean;
}

/**
 * One change to a linked pair: a city edited by a user in HubSpot (even `i`) or by an accountant in QBO (odd). The QBO
 * edit takes the current SyncToken from the emulator's state: observing neither spends nor counts the product's calls.
 */
async function edit(h: Harness, accountant: ReturnType<Harness['qboUser']>, link: { hubspotId: string; qboId: string }, i: number, tag: string): Promise<Edit> {
  const value = `Town ${i}${tag}`;
  if (i % 2 === 0) {
    h.hubspot.emulator.editAsUser('contacts', link.hubspotId, { city: value });
    return {
      landed: () => (h.qbo.emulator.state.entities.get('Customer')?.get(link.qboId) as { BillAddr?: { City?: string } } | undefined)?.BillAddr?.City === value,
    };
  }
  const current = h.qbo.emulator.state.entities.get('Customer')!.get(link.qboId) as { SyncToken: string; BillAddr?: Record<string, unknown> };
  await accountant.update('Customer', { Id: link.qboId, SyncToken: current.SyncToken, sparse: true, BillAddr: { ...current.BillAddr, City: value } });
  return { landed: () => h.hubspot.emulator.state.records.contacts.get(link.hubspotId)?.properties['city'] === value };
}

export interface LatencyFigures {
  changes: number;
  p50S: number;
  p95S: number;
  maxS: number;
  /**
   * The product's own work per change: wall clock in its job handlers and webhook intake, from the edit until the
   * change (and the echo of our write) settled. Provider calls are answered in-process by the emulators and included.
   */
  workP50Ms: number;
  workP95Ms: number;
  /** Everything from the edit until the change landed, the harness's simulated clock and queue polling included. */
  wallP95Ms: number;
  qboCallsPerChange: number;
  qboReadsPerChange: number;
  hubspotCallsPerChange: number;
}

/**
 * Changes one at a time, half from each side, each waited for until it shows on the other side. With webhooks the
 * clock moves 100 ms at a time; with every webhook dropped, changes arrive at arbitrary moments of the 5-minute
 * reconciliation cycle and the clock moves 5 s at a time.
 */
export async function changeLatency(h: Harness, connectionId: string, dropWebhooks: boolean, changes: number, offset: number): Promise<LatencyFigures> {
  const accountant = h.qboUser();
  h.hubspot.emulator.dropWebhooks(dropWebhooks);
  h.qbo.emulator.dropWebhooks(dropWebhooks);
  const links = (await h.runtime.store.links.list(connectionId, 'contacts')).slice(offset, offset + changes);
  const latencies: number[] = [];
  const work: number[] = [];
  const wall: number[] = [];
  const step = dropWebhooks ? 5_000 : 100;
  const run = await counted(h, async () => {
    for (const [i, link] of links.entries()) {
      if (dropWebhooks) await h.advance(((i * 7919) % 300) * 1_000);
      const change = await edit(h, accountant, link, i, dropWebhooks ? 'd' : 'w');
      const simStart = h.clock.now().getTime();
      const wallStart = performance.now();
      const workStart = h.productWork.ms;
      for (let guard = 0; ; guard++) {
        await h.hubspot.emulator.flushWebhooks();
        await h.qbo.emulator.flushWebhooks();
        await h.jobs.whenHandlersIdle();
        if (change.landed()) break;
        if (guard > 20_000) throw new Error(`change ${i} never landed`);
        await h.advance(step);
      }
      latencies.push(h.clock.now().getTime() - simStart);
      wall.push(performance.now() - wallStart);
      // The echo of our own write (notified back) is part of the change's cost.
      await h.hubspot.emulator.flushWebhooks();
      await h.qbo.emulator.flushWebhooks();
      await h.jobs.whenHandlersIdle();
      await h.advance(1_000);
      await h.hubspot.emulator.flushWebhooks();
      await h.qbo.emulator.flushWebhooks();
      await h.jobs.whenHandlersIdle();
      work.push(h.productWork.ms - workStart);
    }
  });
  h.hubspot.emulator.dropWebhooks(false);
  h.qbo.emulator.dropWebhooks(false);
  // Echoes of the last change (our own writes notified back) settle before the next workload counts anything.
  await h.drain();
  const label = dropWebhooks ? 'every webhook dropped (reconciliation only)' : 'with webhooks';
  const figures: LatencyFigures = {
    changes,
    p50S: percentile(latencies, 50) / 1000,
    p95S: percentile(latencies, 95) / 1000,
    maxS: Math.max(...latencies) / 1000,
    workP50Ms: percentile(work, 50),
    workP95Ms: percentile(work, 95),
    wallP95Ms: percentile(wall, 95),
    qboCallsPerChange: run.qboCalls / changes,
    qboReadsPerChange: run.qboReads / changes,
    hubspotCallsPerChange: run.hubspotCalls / changes,
  };
  log(`Changes one at a time, ${label}: ${changes}, half from each side`);
  log(`  latency p50 ${figures.p50S.toFixed(2)} s, p95 ${figures.p95S.toFixed(2)} s, max ${figures.maxS.toFixed(2)} s (simulated)`);
  log(
    `  product work per change p50 ${figures.workP50Ms.toFixed(0)} ms, p95 ${figures.workP95Ms.toFixed(0)} ms; edit to landed p95 ${figures.wallP95Ms.toFixed(0)} ms (wall clock)`,
  );
  log(
    `  per change: ${figures.qboCallsPerChange.toFixed(2)} QBO calls (${figures.qboReadsPerChange.toFixed(2)} reads), ${figures.hubspotCallsPerChange.toFixed(2)} HubSpot calls`,
  );
  return figures;
}

export interface SteadyFigures {
  changes: number;
  perMinute: number;
  qboReads: number;
  qboCalls: number;
  hubspotCalls: number;
  simulatedSeconds: number;
}

/**
 * Steady state with webhooks: `changes` edits arriving at `perMinute`, half from each side, webhooks delivered and the
 * queue run every simulated second, until every change shows on the other side. Figures are per synced change.
 */
export async function steadyState(h: Harness, connectionId: string, changes: number, perMinute: number, offset: number): Promise<SteadyFigures> {
  const accountant = h.qboUser();
  const links = (await h.runtime.store.links.list(connectionId, 'contacts')).slice(offset, offset + changes);
  if (links.length < changes) throw new Error(`steady state needs ${changes} linked pairs, there are ${links.length}`);
  const every = 60_000 / perMinute;
  const simStart = h.clock.now().getTime();
  const run = await counted(h, async () => {
    const pending: Edit[] = [];
    let made = 0;
    for (let tick = 0; ; tick++) {
      const due = Math.min(changes, Math.floor(((tick + 1) * 1000) / every));
      for (; made < due; made++) pending.push(await edit(h, accountant, links[made]!, made, 's'));
      await h.hubspot.emulator.flushWebhooks();
      await h.qbo.emulator.flushWebhooks();
      await h.jobs.whenHandlersIdle();
      if (made === changes && pending.every((p) => p.landed())) break;
      if (tick > 100_000) throw new Error('steady-state changes never all landed');
      if (tick % 60 === 59) log(`  ${made}/${changes} changes made, ${pending.filter((p) => p.landed()).length} landed`);
      await h.advance(1_000);
    }
    await h.drain();
  });
  const figures: SteadyFigures = {
    changes,
    perMinute,
    qboReads: run.qboReads / changes,
    qboCalls: run.qboCalls / changes,
    hubspotCalls: run.hubspotCalls / changes,
    simulatedSeconds: (h.clock.now().getTime() - simStart) / 1000,
  };
  log(`Steady state with webhooks: ${changes} changes at ${perMinute}/min, half from each side`);
  log(
    `  per change: ${figures.qboReads.toFixed(2)} QBO reads, ${figures.qboCalls.toFixed(2)} QBO calls, ${figures.hubspotCalls.toFixed(2)} HubSpot calls (echoes included)`,
  );
  return figures;
}

/**
 * The deal card's API (`GET /api/deals/:id/invoices`, signed as HubSpot signs it) for a deal with `invoices` invoices
 * and `payments` payments, among `background` invoices of other deals with three payments each. Rows are written
 * straight to the invoice sync's tables (what the card reads), not synced from QBO.
 */
export async function dealCard(h: Harness, connectionId: string, sizes: { invoices: number; payments: number; background: number; requests: number }) {
  const invoices = h.runtime.store.invoices;
  const dealId = '990000001';
  const state = (id: string, deal: string, i: number) => ({
    qboInvoiceId: id,
    dealId: deal,
    qboUpdatedAt: new Date(h.clock.now().getTime() - i * 60_000),
    invoiceDate: `2025-${String(1 + (i % 12)).padStart(2, '0')}-15`,
    dueDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-14`,
    billedCents: 10_000 + i,
    balanceCents: i % 3 === 0 ? 0 : 5_000,
    currency: 'USD',
    daysOverdue: i % 4,
    dealValues: { qbo_invoice_number: `B-${i}`, qbo_invoice_status: i % 3 === 0 ? 'paid' : 'partially_paid', qbo_invoice_link: `https://qbo.example/${id}` },
  });
  const payment = (invoiceId: string, p: number) => ({
    qboPaymentId: `P${invoiceId}-${p}`,
    qboInvoiceId: invoiceId,
    amountCents: 1_000 + p,
    currency: 'USD',
    method: 'Check',
    reference: `CHK-${p}`,
    paidOn: `2025-0${1 + (p % 9)}-20`,
    state: 'applied' as const,
  });
  for (let i = 0; i < sizes.background; i++) {
    const id = `9${i}`;
    await invoices.saveState(connectionId, state(id, String(800_000_000 + Math.floor(i / 100)), i));
    for (let p = 0; p < 3; p++) await invoices.savePayment(connectionId, payment(id, p));
  }
  for (let i = 0; i < sizes.invoices; i++) await invoices.saveState(connectionId, state(`7${i}`, dealId, i));
  for (let p = 0; p < sizes.payments; p++) await invoices.savePayment(connectionId, payment(`7${p % sizes.invoices}`, p));
  const wall: number[] = [];
  for (let r = 0; r < sizes.requests; r++) {
    const started = performance.now();
    const res = await h.appFetch(`/api/deals/${dealId}/invoices`);
    const body = (await res.json()) as { invoices?: unknown[]; payments?: unknown[] };
    wall.push(performance.now() - started);
    if (res.status !== 200 || body.invoices?.length !== sizes.invoices || body.payments?.length !== sizes.payments) {
      throw new Error(`deal card answered ${res.status} with ${body.invoices?.length} invoices and ${body.payments?.length} payments`);
    }
  }
  const p95Ms = percentile(wall, 95);
  log(
    `Deal card API: a deal with ${sizes.invoices} invoices and ${sizes.payments} payments, ${sizes.background} invoices of other deals, ${sizes.requests} requests`,
  );
  log(`  response p50 ${percentile(wall, 50).toFixed(1)} ms, p95 ${p95Ms.toFixed(1)} ms (wall clock, signed request through the app)`);
  return { p95Ms };
}

/**
 * The "Create invoice" workflow action: the HubSpot emulator executes it on deals with two line items each (contact
 * and products already linked), the backend answers after creating the invoice in QBO. One execution every 2
 * simulated seconds, as a workflow enrolling deals sends them, keeps QBO's 500 requests a minute out of it.
 */
export async function createInvoiceAction(h: Harness, connectionId: string, runs: number) {
  const connection = (await h.runtime.store.connections.get(connectionId))!;
  await ensureAppProperties(h.runtime.clients.hubspot(connection));
  const contacts = (await h.runtime.store.links.list(connectionId, 'contacts')).slice(0, runs);
  const seeded = h.hubspot.emulator.seed({
    products: [
      { name: 'Bench consulting', price: '150', hs_sku: 'B-CONS' },
      { name: 'Bench licence', price: '1200', hs_sku: 'B-LIC' },
    ],
    deals: contacts.map((_, i) => ({
      properties: { dealname: `Bench deal ${i}` },
      lineItems: [{ productIndex: 0, properties: { quantity: String(1 + (i % 5)), hs_discount_percentage: '10' } }, { productIndex: 1 }],
    })),
  });
  const records = h.hubspot.emulator.records;
  for (const [i, deal] of seeded.deals.entries()) {
    records.associations.add('deals', deal.id, 'contacts', contacts[i]!.hubspotId, [records.associations.defaultType('deals', 'contacts')]);
  }
  h.qbo.emulator.seed({
    entities: {
      Item: [
        { Name: 'Bench consulting', Sku: 'B-CONS', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } },
        { Name: 'Bench licence', Sku: 'B-LIC', Type: 'Service', UnitPrice: 1200, IncomeAccountRef: { value: '1' } },
      ],
    },
  });
  // Linked as the Products sync links them (matched by SKU): the action bills linked items.
  await h.runtime.sync.syncNow<FlowSettings>(
    connectionId,
    'products',
    { hubspot: { products: seeded.products } },
    { adjust: (s) => ({ ...s, createInQbo: true }) },
  );
  const wall: number[] = [];
  let blocked = 0;
  const run = await counted(h, async () => {
    for (const deal of seeded.deals) {
      await h.advance(2_000);
      const started = performance.now();
      const result = await h.hubspot.emulator.invokeWorkflowAction({
        definition: 'create_invoice',
        objectId: deal.id,
        inputFields: { paymentTerms: 'Net 30' },
      });
      wall.push(performance.now() - started);
      if (result.execution.state === 'BLOCK') blocked++;
      else if (result.execution.state !== 'SUCCESS') throw new Error(`execution failed: ${JSON.stringify(result.execution.outputFields)}`);
    }
  });
  const p95Ms = percentile(wall, 95);
  log(`"Create invoice" workflow action: ${runs} executions on deals with two line items`);
  log(`  response p50 ${percentile(wall, 50).toFixed(0)} ms, p95 ${p95Ms.toFixed(0)} ms, max ${Math.max(...wall).toFixed(0)} ms (wall clock)`);
  log(`  answered at once ${runs - blocked}, BLOCK ${blocked}; ${(run.qboCalls / runs).toFixed(2)} QBO calls per invoice`);
  return { p95Ms };
}
