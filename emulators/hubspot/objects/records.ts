import type { RecordJournal } from './journal';
import type { Clock } from '../../shared/clock';
import { AssociationStore, type AssociationSpec } from '../associations/store';
import { associationType } from '../associations/types';
import { conflict, HubSpotError, objectNotFound, propertyValuesNotValid, validationError, type PropertyProblem } from '../errors';
import type { PropertyDefinition } from '../properties/definitions';
import { nextRecordId, type ChangeActor, type CrmRecord, type EmulatorState } from '../state';
import { deriveLineItem } from './line-items';
import { OBJECT_TYPES, type ObjectTypeName } from './types';

/** A change to the CRM, as webhooks see it (https://developers.hubspot.com/docs/api/webhooks). */
export type CrmChange =
  | { kind: 'creation' | 'deletion'; type: ObjectTypeName; id: string; actor: ChangeActor; at: Date }
  | { kind: 'propertyChange'; type: ObjectTypeName; id: string; actor: ChangeActor; at: Date; propertyName: string; propertyValue: string }
  | { kind: 'merge'; type: ObjectTypeName; id: string; actor: ChangeActor; at: Date; mergedObjectIds: string[]; numberOfPropertiesMoved: number };

export interface NewAssociation {
  to: { id: string };
  types: AssociationSpec[];
}

/** Properties HubSpot sets itself; writing them is rejected (an emulator choice: HubSpot's docs disagree on what such writes do). */
const SYSTEM_PROPERTIES = new Set(['hs_object_id', 'createdate', 'hs_createdate', 'hs_lastmodifieddate', 'lastmodifieddate']);

/** Modified-date properties never trigger propertyChange webhooks (https://developers.hubspot.com/docs/api/webhooks). */
const NO_WEBHOOK_PROPERTIES = new Set(['hs_lastmodifieddate', 'lastmodifieddate']);

/**
 * CRM records and their rules: property validation against the schema, uniqueness, system properties,
 * per-object rules (deal pipelines, line-item amounts, invoice status), history and change events.
 */
export class RecordService {
  readonly associations: AssociationStore;
  /** Set while a transaction runs: records are copied before their first write, so a failure can put them back. */
  journal: RecordJournal | undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: Clock,
    private readonly onChange: (change: CrmChange) => void,
  ) {
    this.associations = new AssociationStore(state);
  }

  get(type: ObjectTypeName, id: string, opts: { archived?: boolean; idProperty?: string } = {}): CrmRecord {
    const record = this.find(type, id, opts);
    if (!record) throw objectNotFound(`Object not found.  objectId are usually numeric.`);
    return record;
  }

  find(type: ObjectTypeName, id: string, opts: { archived?: boolean; idProperty?: string } = {}): CrmRecord | undefined {
    const records = this.state.records[type];
    let record: CrmRecord | undefined;
    if (opts.idProperty && opts.idProperty !== 'hs_object_id') {
      const def = this.property(type, opts.idProperty);
      if (!def?.hasUniqueValue) throw validationError(`${opts.idProperty} is not a unique identifier property for ${type}`);
      record = [...records.values()].find((r) => !r.archived && r.properties[opts.idProperty!]?.toLowerCase() === id.toLowerCase());
    } else {
      record = records.get(id);
    }
    if (!record) return undefined;
    return record.archived === (opts.archived ?? false) ? record : undefined;
  }

  list(type: ObjectTypeName, archived = false): CrmRecord[] {
    return [...this.state.records[type].values()].filter((r) => r.archived === archived).sort((a, b) => Number(a.id) - Number(b.id));
  }

  property(type: ObjectTypeName, name: string): PropertyDefinition | undefined {
    const def = this.state.properties[type].get(name);
    return def && !def.archived ? def : undefined;
  }

  create(type: ObjectTypeName, input: Record<string, unknown>, actor: ChangeActor, associations: readonly NewAssociation[] = []): CrmRecord {
    const info = OBJECT_TYPES[type];
    const values = this.validate(type, input, undefined);
    for (const anyOf of info.requiredOnCreate) {
      if (!anyOf.some((p) => values[p] !== undefined && values[p] !== '')) {
        throw validationError(`Missing required property: ${anyOf.join(' or ')}`, [
          { message: `${anyOf.join(' or ')} is required`, code: 'REQUIRED_FIELD', context: { propertyName: [...anyOf] } },
        ]);
      }
    }
    const resolved = associations.map((a) => this.resolveNewAssociation(type, a));
    const id = nextRecordId(this.state);
    const now = this.clock.now();
    const record: CrmRecord = { id, type, properties: {}, history: {}, createdAt: now, updatedAt: now, archived: false };
    const props: Record<string, string> = { ...this.createDefaults(type, now), ...values };
    this.applyDerived(type, undefined, props);
    this.checkUnique(type, props, undefined);
    props.hs_object_id = id;
    props.createdate = now.toISOString();
    if (type === 'invoices') props.hs_createdate = now.toISOString();
    this.stamp(type, props, now);
    for (const [name, value] of Object.entries(props)) {
      if (value === '') continue;
      record.properties[name] = value;
      this.pushHistory(record, name, value, now, actor);
    }
    this.state.records[type].set(id, record);
    this.journal?.created(record);
    this.onChange({ kind: 'creation', type, id, actor, at: now });
    for (const [name, value] of Object.entries(values)) {
      if (value !== '' && !NO_WEBHOOK_PROPERTIES.has(name))
        this.onChange({ kind: 'propertyChange', type, id, actor, at: now, propertyName: name, propertyValue: value });
    }
    for (const { toType, toId, types } of resolved) {
      this.associations.add(type, id, toType, toId, types);
    }
    return record;
  }

  update(type: ObjectTypeName, id: string, input: Record<string, unknown>, actor: ChangeActor, idProperty?: string): CrmRecord {
    const record = this.get(type, id, idProperty ? { idProperty } : {});
    const values = this.validate(type, input, record);
    const next = { ...record.properties, ...values };
    this.applyDerived(type, record, next);
    if (type === 'invoices') {
      this.checkInvoiceTransition(record, next);
      this.finalizeInvoice(record, next);
    }
    const changed = Object.entries(next).filter(([name, value]) => (record.properties[name] ?? '') !== value);
    // Values the record already holds were unique when written: only the changed ones can clash.
    this.checkUnique(type, Object.fromEntries(changed), record.id);
    const cleared = Object.keys(record.properties).filter((name) => !(name in next));
    // A write that changes nothing leaves the record, its modified date and its webhooks alone.
    if (changed.length === 0 && cleared.length === 0) return record;
    this.journal?.willWrite(record);
    const now = this.clock.now();
    for (const [name, value] of changed) {
      if (value === '') delete record.properties[name];
      else record.properties[name] = value;
      this.pushHistory(record, name, value, now, actor);
    }
    this.stamp(type, record.properties, now);
    for (const name of ['hs_lastmodifieddate', 'lastmodifieddate']) {
      const value = record.properties[name];
      if (value !== undefined) this.pushHistory(record, name, value, now, actor);
    }
    record.updatedAt = now;
    for (const [name, value] of changed) {
      if (!NO_WEBHOOK_PROPERTIES.has(name))
        this.onChange({ kind: 'propertyChange', type, id: record.id, actor, at: now, propertyName: name, propertyValue: value });
    }
    return record;
  }

  archive(type: ObjectTypeName, id: string, actor: ChangeActor): void {
    const record = this.get(type, id);
    // Only draft invoices can be deleted (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide).
    if (type === 'invoices' && record.properties.hs_invoice_status !== 'draft') {
      throw validationError(`Invoice ${id} cannot be deleted because its status is ${record.properties.hs_invoice_status}; only draft invoices can be deleted`);
    }
    const now = this.clock.now();
    this.journal?.willWrite(record);
    record.archived = true;
    record.archivedAt = now;
    record.updatedAt = now;
    this.onChange({ kind: 'deletion', type, id, actor, at: now });
  }

  /** Merge `mergeId` into `primaryId`: the primary keeps its values and gains the other's missing ones (docs: merge records). */
  merge(type: ObjectTypeName, primaryId: string, mergeId: string, actor: ChangeActor): CrmRecord {
    if (primaryId === mergeId) throw validationError('Cannot merge an object with itself');
    const primary = this.get(type, primaryId);
    const other = this.get(type, mergeId);
    const now = this.clock.now();
    this.journal?.willWrite(primary);
    this.journal?.willWrite(other);
    let moved = 0;
    for (const [name, value] of Object.entries(other.properties)) {
      const def = this.property(type, name);
      if (!def || def.readOnlyValue || primary.properties[name] !== undefined) continue;
      if (def.hasUniqueValue) continue;
      primary.properties[name] = value;
      this.pushHistory(primary, name, value, now, actor);
      moved += 1;
    }
    // Associations move to the primary record.
    for (const edge of [...this.state.associations.values()].filter((e) => e.fromType === type && e.fromId === mergeId)) {
      const types = [...edge.typeIds].flatMap((typeId) => associationType(type, edge.toType, typeId) ?? []);
      this.associations.add(type, primaryId, edge.toType, edge.toId, types);
      this.associations.removeAll(type, mergeId, edge.toType, edge.toId);
    }
    this.stamp(type, primary.properties, now);
    primary.updatedAt = now;
    other.archived = true;
    other.archivedAt = now;
    this.onChange({ kind: 'merge', type, id: primaryId, actor, at: now, mergedObjectIds: [mergeId], numberOfPropertiesMoved: moved });
    return primary;
  }

  /** Association targets must exist; the types must be valid for the pair. */
  resolveNewAssociation(fromType: ObjectTypeName, a: NewAssociation) {
    const toId = String(a.to.id);
    const candidates = Object.values(OBJECT_TYPES).filter((t) => a.types.every((s) => this.associationTypeExists(fromType, t.name, s.associationTypeId)));
    const toType = candidates[0]?.name;
    if (!toType) {
      throw validationError(`Invalid association type ids ${a.types.map((t) => t.associationTypeId).join(', ')} for ${fromType}`);
    }
    const types = this.associations.resolveSpecs(fromType, toType, a.types);
    if (!this.find(toType, toId)) throw validationError(`Association target ${OBJECT_TYPES[toType].singular} ${toId} does not exist`);
    return { toType, toId, types };
  }

  private associationTypeExists(from: ObjectTypeName, to: ObjectTypeName, typeId: number) {
    try {
      this.associations.resolveSpecs(from, to, [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }]);
      return true;
    } catch {
      return false;
    }
  }

  /** Checks names, read-only flags and value formats; normalizes values to HubSpot's string forms. */
  private validate(type: ObjectTypeName, input: Record<string, unknown>, existing: CrmRecord | undefined): Record<string, string> {
    const problems: PropertyProblem[] = [];
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(input)) {
      const def = this.property(type, name);
      if (!def) {
        problems.push({ name, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST' });
        continue;
      }
      if (def.readOnlyValue || SYSTEM_PROPERTIES.has(name)) {
        problems.push({ name, message: `"${name}" is a read only property; its value cannot be set.`, error: 'READ_ONLY_VALUE' });
        continue;
      }
      if (raw !== null && typeof raw === 'object') {
        problems.push({ name, message: `${JSON.stringify(raw)} is not a valid value for ${name}`, error: 'INVALID_PROPERTY_VALUE' });
        continue;
      }
      const value = raw === null || raw === undefined ? '' : String(raw).trim();
      const normalized = value === '' ? '' : type === 'contacts' && name === 'email' ? validEmail(value) : normalizeValue(def, value);
      if (typeof normalized === 'object') {
        problems.push({ name, message: normalized.message, error: normalized.error, propertyValue: value });
        continue;
      }
      out[name] = normalized;
    }
    if (type === 'deals') this.validateDealStage(out, existing, problems);
    if (problems.length > 0) throw propertyValuesNotValid(problems);
    return out;
  }

  /** `pipeline` and `dealstage` are checked against the account's pipelines (https://developers.hubspot.com/docs/api-reference/legacy/crm/pipelines/guide). */
  private validateDealStage(values: Record<string, string>, existing: CrmRecord | undefined, problems: PropertyProblem[]) {
    if (values.pipeline === undefined && values.dealstage === undefined) return;
    const pipelineId = values.pipeline ?? existing?.properties.pipeline ?? '';
    const stageId = values.dealstage ?? existing?.properties.dealstage ?? '';
    const pipeline = this.state.pipelines.get(pipelineId);
    if (!pipeline) {
      problems.push({ name: 'pipeline', message: `${pipelineId} is not a valid pipeline`, error: 'INVALID_OPTION', propertyValue: pipelineId });
      return;
    }
    if (stageId !== '' && !pipeline.stages.some((s) => s.id === stageId)) {
      problems.push({
        name: 'dealstage',
        message: `${stageId} is not a valid deal stage for pipeline ${pipelineId}`,
        error: 'INVALID_OPTION',
        propertyValue: stageId,
      });
    }
  }

  private createDefaults(type: ObjectTypeName, now: Date): Record<string, string> {
    // A new invoice is a draft dated today (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide: hs_invoice_date defaults to now).
    if (type === 'invoices') return { hs_invoice_status: 'draft', hs_invoice_date: now.toISOString() };
    return {};
  }

  /**
   * Calculated properties: line items derive from their product and compute their net amount
   * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/line-items/guide).
   */
  private applyDerived(type: ObjectTypeName, existing: CrmRecord | undefined, props: Record<string, string>) {
    if (type !== 'line_items') return;
    const productId = props.hs_product_id;
    const changedProduct = productId !== undefined && productId !== '' && productId !== existing?.properties.hs_product_id;
    if (changedProduct) {
      const product = this.find('products', productId);
      if (!product)
        throw propertyValuesNotValid([
          { name: 'hs_product_id', message: `Product ${productId} does not exist`, error: 'INVALID_OBJECT_ID', propertyValue: productId },
        ]);
      for (const name of ['name', 'description', 'price', 'hs_sku', 'hs_cost_of_goods_sold', 'hs_recurring_billing_period', 'recurringbillingfrequency']) {
        const inherited = product.properties[name];
        if (inherited !== undefined && (props[name] === undefined || props[name] === '')) props[name] = inherited;
      }
    }
    Object.assign(props, deriveLineItem(props));
  }

  private checkUnique(type: ObjectTypeName, props: Record<string, string>, selfId: string | undefined) {
    for (const [name, value] of Object.entries(props)) {
      if (value === '' || name === 'hs_object_id') continue;
      const def = this.property(type, name);
      if (!def?.hasUniqueValue) continue;
      const clash = this.list(type).find((r) => r.id !== selfId && r.properties[name]?.toLowerCase() === value.toLowerCase());
      if (!clash) continue;
      // Real 409 body for contacts by email (as reported in https://github.com/HubSpot/hubspot-api-nodejs/issues/545);
      // the text for custom unique properties is not documented.
      if (type === 'contacts' && name === 'email') throw conflict(`Contact already exists. Existing ID: ${clash.id}`);
      throw conflict(`A ${OBJECT_TYPES[type].singular} with the unique value ${value} for property ${name} already exists. Existing ID: ${clash.id}`);
    }
  }

  /**
   * Moving an invoice to `open` needs one contact and at least one line item
   * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide).
   */
  private checkInvoiceTransition(record: CrmRecord, next: Record<string, string>) {
    if (next.hs_invoice_status !== 'open' || record.properties.hs_invoice_status === 'open') return;
    if (next.hs_invoice_billable === 'false') return;
    const contacts = this.associations.from('invoices', record.id, 'contacts').length;
    const lineItems = this.associations.from('invoices', record.id, 'line_items').length;
    if (contacts !== 1 || lineItems < 1) {
      throw new HubSpotError(400, {
        message: `Invoice ${record.id} cannot be opened: it needs exactly one associated contact and at least one line item (has ${contacts} contact(s), ${lineItems} line item(s))`,
        category: 'VALIDATION_ERROR',
      });
    }
  }

  /**
   * What HubSpot sets when a billable invoice is finalized (draft → open): its number, and the amount billed and the
   * balance due. Totals apply the associated discounts, then fees, then taxes
   * (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/invoices/guide); percentages of the running
   * total, rounded to the cent (HubSpot's rounding is not documented). The number format `INV-1001` is the
   * emulator's: HubSpot's numbering is set per account.
   */
  private finalizeInvoice(record: CrmRecord, next: Record<string, string>) {
    if (next.hs_invoice_status !== 'open' || record.properties.hs_invoice_status !== 'draft' || next.hs_invoice_billable === 'false') return;
    const related = (type: ObjectTypeName) => this.associations.from('invoices', record.id, type).flatMap((a) => this.find(type, a.toId) ?? []);
    const toCents = (value: string | undefined) => Math.round(Number(value ?? '0') * 100);
    let cents = related('line_items').reduce((sum, li) => sum + toCents(li.properties.amount), 0);
    for (const [type, sign] of [
      ['discounts', -1],
      ['fees', 1],
      ['taxes', 1],
    ] as const) {
      const base = cents;
      for (const adjustment of related(type)) {
        const value = Number(adjustment.properties.hs_value ?? '0');
        cents += sign * (adjustment.properties.hs_type === 'PERCENT' ? Math.round((base * value) / 100) : Math.round(value * 100));
      }
    }
    const amount = `${cents < 0 ? '-' : ''}${Math.trunc(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
    next.hs_amount_billed = amount;
    next.hs_balance_due = amount;
    if ((next.hs_number ?? '') === '') {
      const taken = this.list('invoices').flatMap((r) => /^INV-(\d+)$/.exec(r.properties.hs_number ?? '')?.[1] ?? []);
      next.hs_number = `INV-${Math.max(1000, ...taken.map(Number)) + 1}`;
    }
  }

  private stamp(type: ObjectTypeName, props: Record<string, string>, now: Date) {
    props.hs_lastmodifieddate = now.toISOString();
    if (type === 'contacts') props.lastmodifieddate = now.toISOString();
  }

  private pushHistory(record: CrmRecord, name: string, value: string, at: Date, actor: ChangeActor) {
    const list = (record.history[name] ??= []);
    list.unshift({
      value,
      timestamp: at.toISOString(),
      sourceType: actor.changeSource,
      ...(actor.sourceId !== undefined ? { sourceId: actor.sourceId } : {}),
      ...(actor.userId !== undefined ? { updatedByUserId: actor.userId } : {}),
    });
  }
}

type Invalid = { error: string; message: string };

/**
 * A contact's primary e-mail must be one address (a list, a missing domain or TLD is refused with INVALID_EMAIL,
 * "Email address … is invalid", as HubSpot answers; reported in https://github.com/Atlas-Authority/marketing-automation/issues/174).
 */
function validEmail(value: string): string | Invalid {
  return /^[^\s@,;<>()]+@[^\s@,;<>()]+\.[a-z]{2,}$/i.test(value) ? value : { error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` };
}

/** HubSpot's value formats (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide: "Date values", numbers, enumerations, booleans). */
export function normalizeValue(def: PropertyDefinition, value: string): string | Invalid {
  switch (def.type) {
    case 'number':
      return Number.isFinite(Number(value)) ? value : { error: 'INVALID_FLOAT', message: `${value} was not a valid number.` };
    case 'bool':
      if (['true', 'false'].includes(value.toLowerCase())) return value.toLowerCase();
      return { error: 'INVALID_BOOLEAN', message: `${value} was not a valid boolean.` };
    case 'enumeration': {
      if (def.externalOptions || def.options.length === 0) return value;
      const allowed = def.options.map((o) => o.value);
      const parts = def.fieldType === 'checkbox' ? value.replace(/^;/, '').split(';') : [value];
      const bad = parts.find((p) => !allowed.includes(p));
      return bad === undefined ? value : { error: 'INVALID_OPTION', message: `${bad} was not one of the allowed options: [${allowed.join(', ')}]` };
    }
    case 'datetime': {
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      return Number.isFinite(ms)
        ? new Date(ms).toISOString()
        : { error: 'INVALID_DATETIME', message: `${value} is not a valid datetime (ISO 8601 or epoch milliseconds).` };
    }
    case 'date': {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value) && Number.isFinite(Date.parse(value))) return value;
      if (/^\d+$/.test(value)) {
        const d = new Date(Number(value));
        // Epoch values for date properties must be midnight UTC (https://developers.hubspot.com/docs/api-reference/legacy/crm/properties/guide).
        if (d.getUTCHours() + d.getUTCMinutes() + d.getUTCSeconds() + d.getUTCMilliseconds() === 0) return d.toISOString().slice(0, 10);
        return { error: 'INVALID_DATE', message: `${value} is not at midnight UTC; date values must be YYYY-MM-DD or midnight epoch milliseconds.` };
      }
      return { error: 'INVALID_DATE', message: `${value} is not a valid date (YYYY-MM-DD).` };
    }
    case 'string':
      return value.length <= 65536 ? value : { error: 'INVALID_STRING', message: `${def.name} is longer than 65536 characters.` };
  }
}
