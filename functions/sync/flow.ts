import { z } from 'zod';
import type { HsObjectType, HubSpotClient } from '../hubspot/client';
import type { Logger } from '../log';
import type { QboClient } from '../quickbooks/client';
import type { QboEnvironment } from '../quickbooks/endpoints';
import type { QboEntityName } from '../quickbooks/schemas';
import type { LoggedSyncEntry } from '../store/sync-log';
import type { Store } from '../store/store';

/**
 * The contract every sync flow declares, and the only thing the runner (runner.ts) knows of a flow: what it is, what
 * it listens to, its settings, and how it syncs. Locking, the disconnected guard, queues and schedules, metrics, the
 * sync log's run records and progress belong to the runner; a new flow is one more declaration in registry.ts.
 * `Counts` is what one run did, by outcome (`created: 3, failed: 1`…), for metrics, the log and the last run.
 */
export interface Flow<S extends ServerState = ServerState, Counts extends object = object, Preview = unknown> {
  /** Stable id: the settings API's `:object`, the key of settings, links, checkpoints and the sync log. */
  readonly name: string;
  /** For people: "Contacts ⇄ Customers". */
  readonly label: string;
  readonly direction: 'two_way' | 'to_hubspot' | 'to_qbo';
  /** The provider objects whose webhooks name records for this flow; a change to any of them is queued for it. */
  readonly listensTo: { readonly hubspot: readonly HsObjectType[]; readonly qbo: readonly QboEntityName[] };
  /** The app's HubSpot properties where this flow keeps QBO ids (cleared when the connection moves to another company). */
  readonly qboIdProperties: readonly { readonly hubspotType: HsObjectType; readonly property: string }[];
  readonly settings: FlowSettingsSpec<S>;
  /**
   * Set on a flow that is one direction of another sync (`flow`): it has no settings, switch or first sync of its own
   * and the settings page shows it as part of that sync. It runs with that sync's settings while that sync is on and
   * started and `runs(settings)` says its direction is on.
   */
  readonly directionOf?: { readonly flow: string; runs(settings: S): boolean };
  /** Sets the connection up for this flow (app properties in HubSpot); run once per process and connection. */
  prepare?(run: FlowContext<S>): Promise<void>;
  /** The records a webhook or a retry named, read fresh from both sides (a notification is a hint, not data). */
  changed(run: FlowContext<S>, changes: ChangeSet): Promise<Counts>;
  /** Everything changed since the checkpoints, whether or not a webhook said so; moves the checkpoints. */
  reconcile(run: FlowContext<S>): Promise<Counts>;
  /** Links or creates every record, and sets the checkpoints reconciliation starts from. */
  firstSync(run: FlowContext<S>, progress: Progress): Promise<Counts>;
  /** What the first sync would do, without writing anything. */
  preview(run: FlowContext<S>): Promise<Preview>;
  /** The records the sync log names as failed, as the changes that sync them again (the settings page's retry). */
  retryOf(failed: readonly LoggedSyncEntry[], where: { store: Store; connectionId: string }): Promise<ChangeSet>;
  /** What deleting the sync forgets beyond its settings, links and checkpoints. */
  forget?(store: Store, connectionId: string): Promise<void>;
}

/** State the runner keeps beside a flow's settings, which no request may set. */
export interface ServerState {
  firstSyncCompletedAt?: string | undefined;
}
export const SERVER_STATE_KEYS = ['firstSyncCompletedAt'] as const satisfies readonly (keyof ServerState)[];

export interface FlowSettingsSpec<S extends ServerState> {
  /** What is stored: the admin's settings and the server state beside them. */
  stored: z.ZodType<S>;
  /** What a request may set (strict: an unknown key is refused). */
  editable: z.ZodType<Omit<S, keyof ServerState>>;
  defaults(): S;
  /** Problems the schema cannot see (a mapping to a field the flow does not have), in words for the admin. */
  check?(settings: Omit<S, keyof ServerState>): string[];
}

/** What a run works with: one connection, its provider clients, this flow's settings as they were when it started. */
export interface FlowContext<S> {
  connectionId: string;
  settings: S;
  store: Store;
  hubspot: HubSpotClient;
  qbo: QboClient;
  log: Logger;
  now: () => Date;
  /** Where QBO links point (its production or sandbox web app). */
  environment: QboEnvironment;
  /** Aborted when this run lost its lease (it stalled past the lease's end and another run took over): stop writing. */
  signal: AbortSignal;
  /**
   * Syncs records of another flow now, under that flow's lease, with its settings adjusted for this once: what linking
   * (or creating) a contact's customer or a product's item before billing it needs. RetryLater while that flow is busy.
   */
  syncOther<T extends object>(flow: string, changes: ChangeSet, adjust: (settings: T) => T): Promise<void>;
  /** Queues a sync of these records by a flow (this one or another), as a webhook's change would be. */
  enqueue(flow: string, changes: ChangeSet): Promise<void>;
}

export type Progress = (p: { phase: string; done: number; total: number }) => void;

/** Which records changed, by side and provider object type: what a webhook names, or a retry asks for again. */
export const ChangeSetSchema = z.strictObject({
  hubspot: z.partialRecord(z.string(), z.array(z.string())).optional(),
  qbo: z.partialRecord(z.string(), z.array(z.string())).optional(),
});
export interface ChangeSet {
  hubspot?: Partial<Record<HsObjectType, string[]>>;
  qbo?: Partial<Record<QboEntityName, string[]>>;
}

/** The ids of one provider object type in a change set, each once. */
export const changedIds = (changes: ChangeSet, side: 'hubspot' | 'qbo', type: string): string[] => [
  ...new Set((changes[side] as Record<string, string[] | undefined> | undefined)?.[type] ?? []),
];

/** Both change sets in one, ids de-duplicated. */
export function mergeChanges(a: ChangeSet, b: ChangeSet): ChangeSet {
  const out: Record<'hubspot' | 'qbo', Record<string, string[]>> = { hubspot: {}, qbo: {} };
  for (const side of ['hubspot', 'qbo'] as const) {
    for (const set of [a, b]) {
      for (const [type, ids] of Object.entries<readonly string[]>(set[side] ?? {})) out[side][type] = [...new Set([...(out[side][type] ?? []), ...ids])];
    }
  }
  return out;
}

export const isEmptyChangeSet = (changes: ChangeSet): boolean =>
  [changes.hubspot, changes.qbo].every((side) => Object.values(side ?? {}).every((ids) => ids.length === 0));
