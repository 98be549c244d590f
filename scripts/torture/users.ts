import { QboApiError } from '../../functions/quickbooks/errors';
import type { Edit, Side } from './oracle';
import type { Prng } from './prng';
import { PERSON_FIELDS, type PersonField, type World } from './world';

/** A person the torture made, on the side it made them, with every accepted edit of their fields on both sides. */
export interface Person {
  index: number;
  email: string;
  origin: Side;
  hubspotId?: string;
  qboId?: string;
  /** Deleted or merged away in HubSpot, made inactive in QBO: the pair is no longer synced (deletes are not). */
  goneOn?: Side;
  edits: Map<string, Edit[]>;
}

export interface TortureInvoice {
  qboId: string;
  person: number;
  dealId: string | undefined;
  voided: boolean;
}

/** A "Create invoice" execution HubSpot started for a deal (its callbackId is HubSpot's idempotency key). */
export interface TortureAction {
  callbackId: string;
  dealId: string;
}

export interface TorturePayment {
  qboId: string;
  invoiceId: string;
  voided: boolean;
}

export type OpName =
  | 'createContact'
  | 'createCustomer'
  | 'editHubspot'
  | 'editQbo'
  | 'conflict'
  | 'deleteContact'
  | 'mergeContacts'
  | 'deactivateCustomer'
  | 'createInvoice'
  | 'payInvoice'
  | 'voidInvoice'
  | 'voidPayment'
  | 'createInvoiceAction';

const WEIGHTS: Record<OpName, number> = {
  createContact: 8,
  createCustomer: 6,
  editHubspot: 24,
  editQbo: 20,
  conflict: 8,
  deleteContact: 1,
  mergeContacts: 1,
  deactivateCustomer: 1,
  createInvoice: 8,
  payInvoice: 6,
  voidInvoice: 1.5,
  voidPayment: 1,
  createInvoiceAction: 3,
};

/** How many of the newest people edits leave alone. */
const RECENT_PEOPLE = 15;

const norm = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const cents = (n: number) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, '0')}`;

/**
 * Users on both sides: people in HubSpot's UI (the emulator's user paths, changeSource CRM_UI) and an accountant in
 * QuickBooks (its API, through node-quickbooks). Every choice comes from the seeded stream in the same order on every
 * run; whether a chosen record is there yet (a twin the product has not made yet) depends on timing, and such an
 * operation is counted as skipped.
 */
export class Users {
  readonly people: Person[] = [];
  readonly invoices: TortureInvoice[] = [];
  readonly payments: TorturePayment[] = [];
  readonly actions: TortureAction[] = [];
  readonly done = new Map<OpName, number>();
  /** Operations not done: their record not there yet (a twin the product has not made), or refused by QBO. */
  skipped = 0;
  #seq = 0;
  epoch = 0;

  readonly #runTag: string;

  constructor(
    private readonly w: World,
    private readonly prng: Prng,
  ) {
    this.#runTag = w.tag;
  }

  async step(op: number): Promise<void> {
    const name = this.prng.weighted(WEIGHTS);
    const did = await this[name](op).catch((err: unknown) => {
      // QBO refuses what refers to a customer made inactive meanwhile (error 610), as it would refuse the accountant.
      if (err instanceof QboApiError && err.kind === 'not_found') return false;
      throw err;
    });
    if (did) this.done.set(name, (this.done.get(name) ?? 0) + 1);
    else this.skipped++;
  }

  #record(p: Person, side: Side, property: string, value: string | undefined): void {
    const list = p.edits.get(property) ?? [];
    list.push({ side, value, seq: this.#seq++, epoch: this.epoch });
    p.edits.set(property, list);
  }

  /**
   * The people still synced. Edits go mostly to people made a while ago, as in an office: the twin of someone made a
   * moment ago on the other side may not exist yet.
   */
  #alive(): Person[] {
    const alive = this.people.filter((p) => p.goneOn === undefined);
    const older = alive.filter((p) => p.index < this.people.length - RECENT_PEOPLE);
    return older.length >= 5 ? older : alive;
  }

  #value(field: PersonField, op: number): string | undefined {
    if (this.prng.chance(0.1)) return undefined;
    return field.property === 'phone' ? `555-${op}` : `${field.property}-${op}`;
  }

  /** The person's HubSpot contact, once it exists: made by the torture, or by the product (found by e-mail). */
  hubspotIdOf(p: Person): string | undefined {
    if (p.hubspotId !== undefined) return p.hubspotId;
    for (const r of this.w.hubspot.emulator.state.records.contacts.values())
      if (!r.archived && norm(r.properties['email'])?.toLowerCase() === p.email) return (p.hubspotId = r.id);
    return undefined;
  }

  qboIdOf(p: Person): string | undefined {
    if (p.qboId !== undefined) return p.qboId;
    for (const c of this.w.qbo.emulator.state.entities.get('Customer')!.values()) {
      const email = norm((c['PrimaryEmailAddr'] as { Address?: string } | undefined)?.Address)?.toLowerCase();
      if (email === p.email && c['Active'] !== false) return (p.qboId = String(c['Id']));
    }
    return undefined;
  }

  #newPerson(origin: Side): Person {
    const index = this.people.length;
    const p: Person = { index, email: `person${index}.${this.#runTag}@torture.example`, origin, edits: new Map() };
    this.people.push(p);
    return p;
  }

  async createContact(op: number): Promise<boolean> {
    const p = this.#newPerson('hubspot');
    const properties: Record<string, string> = { email: p.email };
    for (const f of PERSON_FIELDS) {
      const v = this.prng.chance(0.7) ? this.#value(f, op) : undefined;
      if (v !== undefined) properties[f.property] = v;
    }
    p.hubspotId = this.w.hubspot.emulator.createAsUser('contacts', properties).id;
    this.#record(p, 'hubspot', 'email', p.email);
    for (const f of PERSON_FIELDS) if (properties[f.property] !== undefined) this.#record(p, 'hubspot', f.property, properties[f.property]);
    return true;
  }

  async createCustomer(op: number): Promise<boolean> {
    const p = this.#newPerson('qbo');
    const body: Record<string, unknown> = { DisplayName: `Torture customer ${p.index} ${this.#runTag}`, PrimaryEmailAddr: { Address: p.email } };
    const values = new Map<string, string>();
    for (const f of PERSON_FIELDS) {
      const v = this.prng.chance(0.7) ? this.#value(f, op) : undefined;
      if (v === undefined) continue;
      values.set(f.property, v);
      setPath(body, f.path, v);
    }
    const created = await this.w.accountant.create('Customer', body, { requestId: `torture-${this.#runTag}-customer-${p.index}` });
    p.qboId = created.Id;
    this.#record(p, 'qbo', 'email', p.email);
    for (const [property, v] of values) this.#record(p, 'qbo', property, v);
    return true;
  }

  #editHubspot(p: Person, f: PersonField, value: string | undefined): boolean {
    const id = this.hubspotIdOf(p);
    if (id === undefined) return false;
    const before = norm(this.w.hubspot.emulator.state.records.contacts.get(id)?.properties[f.property]);
    this.w.hubspot.emulator.editAsUser('contacts', id, { [f.property]: value ?? '' });
    // Clearing a field that is already empty changes nothing: no edit the rules could weigh.
    if (value !== undefined || before !== undefined) this.#record(p, 'hubspot', f.property, value);
    return true;
  }

  /** A sparse update of the customer as last read; QBO refuses it when someone saved since (stale SyncToken), and the accountant reads again and retries. */
  async #editQbo(p: Person, f: PersonField, value: string | undefined): Promise<boolean> {
    const id = this.qboIdOf(p);
    if (id === undefined) return false;
    for (let attempt = 0; ; attempt++) {
      const current = (await this.w.accountant.get('Customer', id)) as unknown as Record<string, unknown>;
      if (current['Active'] === false) return false;
      const body: Record<string, unknown> = { Id: id, SyncToken: current['SyncToken'], sparse: true };
      // A sparse update replaces a nested object as a whole: the accountant's form keeps the rest of the address.
      if (f.path.length === 2) body[f.path[0]] = structuredClone(current[f.path[0]] ?? {});
      setPath(body, f.path, value ?? '');
      try {
        await this.w.accountant.update('Customer', body as never);
        const before = norm(f.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], current));
        if (value !== undefined || before !== undefined) this.#record(p, 'qbo', f.property, value);
        return true;
      } catch (err) {
        if (!(err instanceof QboApiError && err.kind === 'stale_object') || attempt >= 5) throw err;
      }
    }
  }

  async editHubspot(op: number): Promise<boolean> {
    const people = this.#alive();
    if (people.length === 0) return false;
    const p = this.prng.pick(people);
    const f = this.prng.pick(PERSON_FIELDS);
    return this.#editHubspot(p, f, this.#value(f, op));
  }

  async editQbo(op: number): Promise<boolean> {
    const people = this.#alive();
    if (people.length === 0) return false;
    const p = this.prng.pick(people);
    const f = this.prng.pick(PERSON_FIELDS);
    return this.#editQbo(p, f, this.#value(f, op));
  }

  /** The same field edited on both sides, one right after the other, in either order. */
  async conflict(op: number): Promise<boolean> {
    const people = this.#alive();
    if (people.length === 0) return false;
    const p = this.prng.pick(people);
    const f = this.prng.pick(PERSON_FIELDS);
    const hubspotValue = this.#value(f, op);
    const qboValue = this.#value(f, op + 0.5);
    const hubspotFirst = this.prng.chance(0.5);
    if (this.hubspotIdOf(p) === undefined || this.qboIdOf(p) === undefined) return false;
    if (hubspotFirst) return this.#editHubspot(p, f, hubspotValue) && (await this.#editQbo(p, f, qboValue));
    return (await this.#editQbo(p, f, qboValue)) && this.#editHubspot(p, f, hubspotValue);
  }

  /** Only people on both sides already are deleted, merged or deactivated, so what is gone is unambiguous. */
  #linked(p: Person): boolean {
    return this.hubspotIdOf(p) !== undefined && this.qboIdOf(p) !== undefined;
  }

  async deleteContact(): Promise<boolean> {
    const people = this.#alive();
    if (people.length < 5) return false;
    const p = this.prng.pick(people);
    if (!this.#linked(p)) return false;
    this.w.hubspot.emulator.deleteAsUser('contacts', p.hubspotId!);
    p.goneOn = 'hubspot';
    return true;
  }

  /** Two contacts merged in HubSpot: the survivor keeps its values and takes the other's where it has none. */
  async mergeContacts(): Promise<boolean> {
    const people = this.#alive();
    if (people.length < 5) return false;
    const primary = this.prng.pick(people);
    const merged = this.prng.pick(people);
    if (primary === merged || !this.#linked(primary) || !this.#linked(merged)) return false;
    const before = { ...this.w.hubspot.emulator.state.records.contacts.get(primary.hubspotId!)!.properties };
    const after = this.w.hubspot.emulator.mergeAsUser('contacts', primary.hubspotId!, merged.hubspotId!).properties;
    for (const f of PERSON_FIELDS)
      if (norm(before[f.property]) !== norm(after[f.property])) this.#record(primary, 'hubspot', f.property, norm(after[f.property]));
    merged.goneOn = 'hubspot';
    return true;
  }

  async deactivateCustomer(): Promise<boolean> {
    const people = this.#alive();
    if (people.length < 5) return false;
    const p = this.prng.pick(people);
    if (!this.#linked(p)) return false;
    const current = await this.w.accountant.get('Customer', p.qboId!);
    await this.w.accountant.update('Customer', { Id: p.qboId!, SyncToken: current.SyncToken, sparse: true, Active: false });
    p.goneOn = 'qbo';
    return true;
  }

  /** An invoice for a customer, naming one of the deals in its custom field most of the time, due in a month. */
  async createInvoice(op: number): Promise<boolean> {
    const people = this.#alive();
    if (people.length === 0) return false;
    const p = this.prng.pick(people);
    const dealId = this.prng.chance(0.7) ? this.prng.pick(this.w.dealIds) : undefined;
    const amount = 1_000 + this.prng.int(99_000);
    const customerId = this.qboIdOf(p);
    if (customerId === undefined) return false;
    const due = new Date(this.w.qbo.emulator.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    const created = await this.w.accountant.create(
      'Invoice',
      {
        CustomerRef: { value: customerId },
        DueDate: due,
        Line: [{ DetailType: 'SalesItemLineDetail', Amount: amount / 100, SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount / 100 } }],
        ...(dealId === undefined ? {} : { CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: dealId }] }),
      },
      { requestId: `torture-${this.#runTag}-invoice-${op}` },
    );
    this.invoices.push({ qboId: created.Id, person: p.index, dealId, voided: false });
    return true;
  }

  /** A partial or full payment of an invoice with money still owed. */
  async payInvoice(op: number): Promise<boolean> {
    const open = this.invoices.filter((i) => !i.voided);
    if (open.length === 0) return false;
    const invoice = this.prng.pick(open);
    const full = this.prng.chance(0.5);
    const fraction = this.prng.next();
    const current = await this.w.accountant.get('Invoice', invoice.qboId);
    const balance = Math.round(current.Balance * 100);
    if (balance <= 0) return false;
    const amount = full ? balance : Math.max(1, Math.floor(balance * fraction));
    const payment = await this.w.accountant.create(
      'Payment',
      {
        CustomerRef: current.CustomerRef,
        TotalAmt: Number(cents(amount)),
        PaymentRefNum: `T-${op}`,
        Line: [{ Amount: Number(cents(amount)), LinkedTxn: [{ TxnId: invoice.qboId, TxnType: 'Invoice' }] }],
      },
      { requestId: `torture-${this.#runTag}-payment-${op}` },
    );
    this.payments.push({ qboId: payment.Id, invoiceId: invoice.qboId, voided: false });
    return true;
  }

  /**
   * A workflow runs "Create invoice" on a deal: HubSpot POSTs the execution to the app, signed. Now and then the app's
   * answer is lost on the way back, and HubSpot sends the same execution again when the run settles.
   */
  async createInvoiceAction(): Promise<boolean> {
    const dealId = this.prng.pick(this.w.actionDealIds);
    const loseResponse = this.prng.chance(0.15);
    const { callbackId } = await this.w.hubspot.emulator.invokeWorkflowAction({ definition: 'create_invoice', objectId: dealId, loseResponse });
    this.actions.push({ callbackId, dealId });
    return true;
  }

  /** Voids an invoice nobody paid yet (QBO keeps it, zeroed, "Voided" in its memo). */
  async voidInvoice(): Promise<boolean> {
    const unpaid = this.invoices.filter((i) => !i.voided && !this.payments.some((p) => p.invoiceId === i.qboId && !p.voided));
    if (unpaid.length === 0) return false;
    const invoice = this.prng.pick(unpaid);
    await this.#void('Invoice', invoice.qboId);
    invoice.voided = true;
    return true;
  }

  async voidPayment(): Promise<boolean> {
    const live = this.payments.filter((p) => !p.voided);
    if (live.length === 0) return false;
    const payment = this.prng.pick(live);
    await this.#void('Payment', payment.qboId);
    payment.voided = true;
    return true;
  }

  /**
   * Void, which node-quickbooks does not offer for every entity, through the raw API as QBO documents it: an invoice
   * with `operation=void`, a payment with a sparse update and `include=void`. Like a person, the accountant tries again
   * after a 429, a 5xx or a stale SyncToken, with the entity read afresh.
   */
  async #void(entity: 'Invoice' | 'Payment', id: string): Promise<void> {
    const { qbo } = this.w;
    const query = entity === 'Invoice' ? 'operation=void' : 'operation=update&include=void';
    for (let attempt = 0; ; attempt++) {
      const current = await this.w.accountant.get(entity, id);
      const res = await fetch(`${qbo.info.url}/v3/company/${qbo.info.realmId}/${entity.toLowerCase()}?${query}&minorversion=75`, {
        method: 'POST',
        headers: { authorization: `Bearer ${qbo.emulator.issueTokens().access_token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ Id: id, SyncToken: current.SyncToken, ...(entity === 'Payment' ? { sparse: true } : {}) }),
      });
      if (res.ok) return;
      const text = await res.text();
      const again = res.status === 429 || res.status >= 500 || text.includes('"code":"5010"');
      if (!again || attempt >= 8) throw new Error(`QBO refused to void ${entity} ${id}: ${res.status} ${text}`);
    }
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: string): void {
  if (path.length === 1) {
    target[path[0]!] = value;
    return;
  }
  const parent = (target[path[0]!] ?? {}) as Record<string, unknown>;
  parent[path[1]!] = value;
  target[path[0]!] = parent;
}
