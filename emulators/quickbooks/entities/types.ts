import type { EntityName, JsonObject, RealmState } from '../state/store';
import type { FieldSchemas } from './fields';

export type Operation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed';

/** One change, the unit of webhooks and CDC. */
export interface Change {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: Operation;
  at: Date;
}

export interface WriteContext {
  realm: RealmState;
  now: Date;
  /** Lower-cased `include=` values of the request (`allowduplicatedocnum`, `void`). */
  include: ReadonlySet<string>;
  emit(change: Omit<Change, 'realmId' | 'at'>): void;
}

/** What `build` returns: the entity's writable+computed properties, and side effects to run once it is stored. */
export interface Built {
  entity: JsonObject;
  commit?: (id: string) => void;
}

export type QueryKind = 'id' | 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'ref' | 'email';

export interface EntityDef {
  name: EntityName;
  /**
   * Name-list entities are deactivated, never deleted, and queries return active ones by default
   * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries).
   */
  nameList: boolean;
  operations: ReadonlySet<'create' | 'update' | 'delete' | 'void'>;
  /** Properties a client may write, with their shapes. */
  writable: FieldSchemas;
  /** System-maintained properties: clients echo them back from reads, so they are accepted and ignored. */
  system: readonly string[];
  queryable: Readonly<Record<string, QueryKind>>;
  /** Validates (throwing QboFault) and computes derived properties. Must not mutate state; side effects go in `commit`. */
  build(input: JsonObject, ctx: WriteContext, prior: JsonObject | undefined): Built;
  /** Invoice void / payment void: the zeroed entity (see entities/invoice.ts and entities/payment.ts). */
  void?(existing: JsonObject, ctx: WriteContext): Built;
  /** Checks and side effects of deleting a transaction. */
  beforeDelete?(existing: JsonObject, ctx: WriteContext): () => void;
}

export const COMMON_SYSTEM = ['Id', 'SyncToken', 'MetaData', 'domain', 'sparse'] as const;
