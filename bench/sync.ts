import { QBO_BATCH_SIZE } from '../functions/quickbooks/client';
import { QBO_BATCH_LIMITS } from '../functions/quickbooks/rate-limiter';
import { pairRecords } from '../functions/sync/two-way/matching';
import { ensureAppProperties } from '../functions/sync/app-properties';
import { startHarness, type Harness } from '../tests/helpers/harness';
import type { SyncCounts } from '../functions/sync/two-way/run';
import type { FlowSettings } from '../functions/sync/two-way/settings';

/**
 * `npm run bench:sync`: the sync's speed and cost, on the emulators, in one run.
 *
 * Time: the product runs on a simulated clock (tests/helpers/harness.ts), so waits that are part of the design
 * (queue polling, reconciliation every 5 minutes, QBO's 500 requests/minute) are measured as the product would
 * experience them, without the benchmark taking 20 minutes; the wall-clock cost of the work itself is printed
 * beside them.
 */
const FIRST_SYNC_CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const MATCHED_RECORDS = Number(process.env.BENCH_MATCHED ?? 200_000);
const ACTION_RUNS = Number(process.env.BENCH_ACTIONS ?? 100);
const WEBHOOK_CHANGES = 40;
const DROPPED_CHANGES = 20;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function firstSync(h: Harness): Promise<void> {
  log(`First sync: ${FIRST_SYNC_CUSTOMERS} HubSpot contacts, none in QuickBooks yet`);
  const contacts = Array.from({ length: FIRST_SYNC_CUSTOMERS }, (_, i) => ({
    email: `person${i}@bench.example`,
    firstname: `Person`,
    lastname: `${i}`,
    city: i % 2 === 0 ? 'Oslo' : 'Bergen',
  }));
  h.hubspot.emulator.seed({ contacts });
  const connection = (await h.runtime.store.connections.active())[0]!;
  const { settings } = await h.runtime.sync.settings(connection.id, 'contacts');
  await h.runtime.sync.saveSettings(connection.id, 'contacts', settings);
  await h.runtime.store.syncSettings.setEnabled(connection.id, 'contacts', true);

  const simStart = h.clock.now().getTime();
  const wallStart = performance.now();
  const callsBefore = h.qboCalls.count;
  let lastShown = 0;
  const counts = await h.runtime.sync.runFirstSync<SyncCounts>(connection.id, 'contacts', ({ done, total, phase }) => {
    if (done - lastShown >= total / 10 || done === total) {
      lastShown = done;
      log(`  ${done}/${total} (${phase})`);
    }
  });
  const simMs = h.clock.now().getTime() - simStart;
  const wallMs = performance.now() - wallStart;
  const perMinute = (counts.createdInQbo / simMs) * 60_000;
  // Creates go through batch requests: 30 creates each, 40 batch requests a minute (quickbooks/rate-limiter.ts).
  const bound = QBO_BATCH_LIMITS.perMinute * QBO_BATCH_SIZE;
  log(`  created ${counts.createdInQbo} customers with ${h.qboCalls.count - callsBefore} QBO calls`);
  log(`  simulated time ${seconds(simMs)} → ${perMinute.toFixed(0)} customers/min; QBO's batch bound is ${bound} creates/min`);
  log(`  throughput / batch bound: ${(perMinute / bound).toFixed(3)}`);
  log(`  wall-clock time ${seconds(wallMs)} (${((counts.createdInQbo / wallMs) * 1000).toFixed(0)} customers/s of local work)`);
}

async function changeLatency(h: Harness, dropWebhooks: boolean, changes: number): Promise<void> {
  const accountant = h.qboUser();
  h.hubspot.emulator.dropWebhooks(dropWebhooks);
  h.qbo.emulator.dropWebhooks(dropWebhooks);
  const connection = (await h.runtime.store.connections.active())[0]!;
  const links = (await h.runtime.store.links.list(connection.id, 'contacts')).slice(0, changes);
  const latencies: number[] = [];
  const wall: number[] = [];
  const callsBefore = h.qboCalls.count;
  // Changes arrive at arbitrary moments of the reconciliation cycle, not right after a run.
  const step = dropWebhooks ? 5_000 : 100;
  for (const [i, link] of links.entries()) {
    if (dropWebhooks) await h.advance(((i * 7919) % 300) * 1_000);
    const value = `Town ${i}${dropWebhooks ? 'd' : 'w'}`;
    const simStart = h.clock.now().getTime();
    const wallStart = performance.now();
    const fromHubspot = i % 2 === 0;
    if (fromHubspot) h.hubspot.emulator.editAsUser('contacts', link.hubspotId, { city: value });
    else {
      const c = await accountant.get('Customer', link.qboId);
      await accountant.update('Customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, BillAddr: { ...c.BillAddr, City: value } });
    }
    for (let guard = 0; ; guard++) {
      await h.hubspot.emulator.flushWebhooks();
      await h.qbo.emulator.flushWebhooks();
      await h.jobs.whenHandlersIdle();
      // Read straight from the emulators' state: observing must not spend the product's API budgets.
      const landed = fromHubspot
        ? (h.qbo.emulator.state.entities.get('Customer')?.get(link.qboId) as { BillAddr?: { City?: string } } | undefined)?.BillAddr?.City === value
        : h.hubspot.emulator.state.records.contacts.get(link.hubspotId)?.properties['city'] === value;
      if (landed) break;
      if (guard > 20_000) throw new Error(`change ${i} never landed`);
      await h.advance(step);
    }
    latencies.push(h.clock.now().getTime() - simStart);
    wall.push(performance.now() - wallStart);
  }
  const label = dropWebhooks ? 'with every webhook dropped (reconciliation only)' : 'with webhooks';
  log(`Change → other side, ${label}: ${changes} changes, half from each side`);
  log(
    `  latency p50 ${seconds(percentile(latencies, 50))}, p95 ${seconds(percentile(latencies, 95))}, max ${seconds(Math.max(...latencies))} (simulated time)`,
  );
  log(`  wall-clock work per change p50 ${seconds(percentile(wall, 50))}, p95 ${seconds(percentile(wall, 95))}`);
  log(`  QBO calls per synced change: ${((h.qboCalls.count - callsBefore) / changes).toFixed(2)}`);
  h.hubspot.emulator.dropWebhooks(false);
  h.qbo.emulator.dropWebhooks(false);
}

/** First-sync pairing of a big portal, half of it already linked (a first sync run again): pure local work. */
function matching(): void {
  const n = MATCHED_RECORDS;
  const hubspot = Array.from({ length: n }, (_, i) => ({ id: `h${i}`, email: `p${i}@bench.example` }));
  const qbo = Array.from({ length: n }, (_, i) => ({ Id: `q${i}`, email: `P${i}@bench.example` }));
  const links = Array.from({ length: n / 2 }, (_, i) => ({
    connectionId: 'bench',
    object: 'contacts' as const,
    hubspotId: `h${i}`,
    qboId: `q${i}`,
    hubspotHash: undefined,
    qboHash: undefined,
    qboSyncToken: undefined,
    syncedValues: undefined,
    lastSyncedAt: undefined,
  }));
  const wallStart = performance.now();
  const { pairs } = pairRecords(hubspot, qbo, links, [{ name: 'email', hubspot: (h) => h.email, qbo: (q) => q.email }]);
  log(`First-sync matching: ${n} records a side, ${n / 2} already linked → ${pairs.length} pairs in ${seconds(performance.now() - wallStart)} (wall clock)`);
}

matching();
/**
 * The "Create invoice" workflow action: the HubSpot emulator executes it on deals with two line items each (contact
 * and products already linked), the backend answers after creating the invoice in QBO. Response time is wall clock
 * (every hop is real HTTP or an in-process request); one execution every 2 simulated seconds, as a workflow
 * enrolling deals would send them, keeps QBO's 500 requests/minute out of the measurement.
 */
async function createInvoiceAction(h: Harness): Promise<void> {
  const connection = (await h.runtime.store.connections.active())[0]!;
  await ensureAppProperties(h.runtime.clients.hubspot(connection));
  const contacts = (await h.runtime.store.links.list(connection.id, 'contacts')).slice(0, ACTION_RUNS);
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
  // Linked as the Products sync would link them (matched by SKU): the action then bills linked items.
  await h.runtime.sync.syncNow<FlowSettings>(
    connection.id,
    'products',
    { hubspot: { products: seeded.products } },
    { adjust: (s) => ({ ...s, createInQbo: true }) },
  );
  const deals = seeded.deals;
  const wall: number[] = [];
  const callsBefore = h.qboCalls.count;
  let blocked = 0;
  for (const deal of deals) {
    await h.advance(2_000);
    const started = performance.now();
    const result = await h.hubspot.emulator.invokeWorkflowAction({ definition: 'create_invoice', objectId: deal.id, inputFields: { paymentTerms: 'Net 30' } });
    wall.push(performance.now() - started);
    if (result.execution.state === 'BLOCK') blocked++;
    else if (result.execution.state !== 'SUCCESS') throw new Error(`execution failed: ${JSON.stringify(result.execution.outputFields)}`);
  }
  log(`"Create invoice" workflow action: ${deals.length} executions on deals with two line items`);
  log(`  response time p50 ${seconds(percentile(wall, 50))}, p95 ${seconds(percentile(wall, 95))}, max ${seconds(Math.max(...wall))} (wall clock)`);
  log(`  answered at once ${deals.length - blocked}, BLOCK ${blocked}; QBO calls per invoice ${((h.qboCalls.count - callsBefore) / deals.length).toFixed(2)}`);
}

const h = await startHarness();
try {
  await h.connect();
  await h.runtime.clients
    .hubspot((await h.runtime.store.connections.active())[0]!)
    .ensureProperties('contacts', [
      { name: 'qbo_customer_id', label: 'QuickBooks customer ID', type: 'string', fieldType: 'text', groupName: 'contactinformation' },
    ]);
  await firstSync(h);
  await h.drain(2_000);
  await changeLatency(h, false, WEBHOOK_CHANGES);
  await changeLatency(h, true, DROPPED_CHANGES);
  await createInvoiceAction(h);
  log(`Peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await h.stop();
}
