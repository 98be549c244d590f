import { randomBytes } from 'node:crypto';
import type { SignedFetchOptions } from '../../emulators/hubspot/signed-fetch';
import { startHubSpotEmulator, type StartedHubSpotEmulator } from '../../emulators/hubspot/start';
import { startQuickBooksEmulator, type StartedQuickBooksEmulator } from '../../emulators/quickbooks/start';
import type { QboClient } from '../../functions/quickbooks/client';
import { registerProjectAppEvents } from '../../functions/sandbox/app-events';
import { registerProjectWorkflowActions } from '../../functions/sandbox/workflow-actions';
import type { Mapping } from './oracle';
import type { Prng } from './prng';
import { emulatorQboUser, ensureEmulatorAppProperties, saveEmulatorGrants } from '../../tests/helpers/installed-portal';
import { startProduct, type ProductOptions, type ProductUnderTest } from './product';

/**
 * The contact fields the torture edits, as a user sees them on each side: the HubSpot property and where QBO keeps it
 * on a Customer (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer). The
 * mapping's QBO field name is the product's catalog key, which the settings page shows.
 */
export const PERSON_FIELDS = [
  { property: 'firstname', qboField: 'givenName', path: ['GivenName'] },
  { property: 'lastname', qboField: 'familyName', path: ['FamilyName'] },
  { property: 'company', qboField: 'companyName', path: ['CompanyName'] },
  { property: 'phone', qboField: 'phone', path: ['PrimaryPhone', 'FreeFormNumber'] },
  { property: 'city', qboField: 'billCity', path: ['BillAddr', 'City'] },
  { property: 'zip', qboField: 'billPostalCode', path: ['BillAddr', 'PostalCode'] },
] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** The deals invoices name in their "HubSpot deal" custom field. */
const DEALS = 12;
/** The deals the "Create invoice" workflow action runs on. */
const ACTION_DEALS = 4;

/**
 * How webhooks travel from the emulators to the product: some are lost on the way (the sender thinks they arrived),
 * some arrive twice, some are held back and arrive after later ones.
 */
export class WebhookNetwork {
  readonly counts = { lost: 0, repeated: 0, reordered: 0 };
  #held: (() => Promise<unknown>)[] = [];
  #enabled = true;

  constructor(
    private readonly prng: Prng,
    private readonly rates: { lose: number; repeat: number; reorder: number },
  ) {}

  /** Deliveries from now on arrive once, in order (the run is settling). */
  calm(): void {
    this.#enabled = false;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!this.#enabled || !/\/webhooks\/(hubspot|quickbooks)$/.test(url)) return fetch(input, init);
    const send = () => fetch(url, init).then((r) => r.text());
    const roll = this.prng.next();
    if (roll < this.rates.lose) {
      this.counts.lost++;
      return new Response(null, { status: 200 });
    }
    if (roll < this.rates.lose + this.rates.reorder) {
      this.counts.reordered++;
      this.#held.push(send);
      return new Response(null, { status: 200 });
    }
    const res = await fetch(input, init);
    for (const held of this.#held.splice(0)) await held().catch(() => undefined);
    if (roll < this.rates.lose + this.rates.reorder + this.rates.repeat) {
      this.counts.repeated++;
      await send().catch(() => undefined);
    }
    return res;
  };

  /** Delivers what is still held back. */
  async release(): Promise<void> {
    for (const held of this.#held.splice(0)) await held().catch(() => undefined);
  }
}

export interface World {
  hubspot: StartedHubSpotEmulator;
  qbo: StartedQuickBooksEmulator;
  product: ProductUnderTest;
  network: WebhookNetwork;
  /** An accountant in QuickBooks: the product's QBO adapter (node-quickbooks) with a grant of its own. */
  accountant: QboClient;
  connectionId: string;
  mappings: Mapping[];
  dealIds: string[];
  actionDealIds: string[];
  /** Tells this run's records from any other's: e-mails, names and request ids carry it. */
  tag: string;
  /** A request from the app's settings page, signed by HubSpot for the installing super admin. */
  appFetch(path: string, init?: SignedFetchOptions): Promise<Response>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  seed: number;
  prng: Prng;
  workers: number;
  separateProcesses: boolean;
  network: { lose: number; repeat: number; reorder: number };
  logLevel: ProductOptions['logLevel'];
}

export async function startWorld(o: WorldOptions): Promise<World> {
  const network = new WebhookNetwork(o.prng.fork(), o.network);
  const hubspot = await startHubSpotEmulator({ port: 0, fetch: network.fetch });
  // The accountant's calls are not the app's: QBO's per-app limit is played by injected 429s, not by the accountant.
  const qbo = await startQuickBooksEmulator({ port: 0, fetch: network.fetch, rateLimitPerMinute: 1_000_000, maxInFlight: 100 });
  const product = await startProduct({
    workers: o.workers,
    separateProcesses: o.separateProcesses,
    hubspot: hubspot.info,
    qbo: qbo.info,
    leaseSeconds: 6,
    logLevel: o.logLevel,
  });

  const accountant = emulatorQboUser(qbo);

  // Installed and connected, as the OAuth routes leave it.
  const { store } = product;
  const connection = await saveEmulatorGrants(store.connections, hubspot, qbo, Date.now());
  await ensureEmulatorAppProperties(hubspot);
  await registerProjectAppEvents(hubspot.emulator);
  await registerProjectWorkflowActions(hubspot.emulator, product.publicUrl);
  hubspot.emulator.setWebhookTarget({ url: `${product.publicUrl}/webhooks/hubspot` });
  qbo.emulator.setWebhookTarget({ url: `${product.publicUrl}/webhooks/quickbooks`, format: 'cloudevents' });

  const appFetch = (path: string, init: SignedFetchOptions = {}) => {
    const url = new URL(`${product.publicUrl}${path}`);
    url.searchParams.set('portalId', String(hubspot.info.portalId));
    url.searchParams.set('userId', String(hubspot.emulator.config.userId));
    return hubspot.emulator.signedFetch(url.toString(), init);
  };

  // Deals the accountant's invoices name, and deals a workflow bills with "Create invoice": each has a buyer and a line
  // item of a product QBO has under the same SKU. Seeded before the syncs are on: their first syncs link them.
  const tag = `${o.seed}-${randomBytes(2).toString('hex')}`;
  const seeded = hubspot.emulator.seed({
    contacts: Array.from({ length: ACTION_DEALS }, (_, i) => ({ email: `buyer${i}.${tag}@torture.example`, firstname: 'Buyer', lastname: String(i) })),
    products: [{ name: `Torture widget ${tag}`, price: '12.50', hs_sku: `TW-${tag}` }],
    deals: [
      ...Array.from({ length: DEALS }, (_, i) => ({ properties: { dealname: `Torture deal ${i}`, amount: '1000' } })),
      ...Array.from({ length: ACTION_DEALS }, (_, i) => ({
        properties: { dealname: `Torture order ${i}`, amount: '25' },
        lineItems: [{ productIndex: 0, properties: { quantity: '2' } }],
        contactIndexes: [i],
      })),
    ],
  });
  qbo.emulator.seed({
    entities: { Item: [{ Name: `Torture widget ${tag}`, Sku: `TW-${tag}`, Type: 'Service', UnitPrice: 12.5, IncomeAccountRef: { value: '1' } }] },
  });
  const dealIds = seeded.deals.slice(0, DEALS).map((d) => d.id);
  const actionDealIds = seeded.deals.slice(DEALS).map((d) => d.id);

  // The admin's field mappings: each field's direction and winner drawn from the seed, e-mail (the match key) two-way.
  const mappings: Mapping[] = [
    { hubspotProperty: 'email', direction: 'two_way', winner: 'hubspot' },
    ...PERSON_FIELDS.map((f) => ({
      hubspotProperty: f.property,
      direction: o.prng.weighted({ two_way: 4, to_qbo: 1, to_hubspot: 1 }),
      winner: o.prng.pick(['hubspot', 'qbo'] as const),
    })),
  ];
  const qboFieldOf = (property: string) => (property === 'email' ? 'email' : PERSON_FIELDS.find((f) => f.property === property)!.qboField);
  const put = await appFetch('/api/settings/contacts', {
    method: 'PUT',
    body: { mappings: mappings.map((m) => ({ ...m, qboField: qboFieldOf(m.hubspotProperty) })), createInHubspot: true, createInQbo: true },
  });
  if (put.status !== 200) throw new Error(`saving the contact settings failed: ${put.status} ${await put.text()}`);
  for (const sync of ['contacts', 'invoices']) {
    const res = await appFetch(`/api/settings/${sync}/enable`, { method: 'POST' });
    if (res.status !== 200) throw new Error(`turning the ${sync} sync on failed: ${res.status} ${await res.text()}`);
  }

  return {
    hubspot,
    qbo,
    product,
    network,
    accountant,
    connectionId: connection.id,
    mappings,
    dealIds,
    actionDealIds,
    tag,
    appFetch,
    async stop() {
      qbo.emulator.clearFaults();
      hubspot.emulator.faults.clear();
      await product.stop();
      await hubspot.close();
      await qbo.close();
    },
  };
}
