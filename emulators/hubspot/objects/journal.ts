import type { CrmRecord, EmulatorState } from '../state';

/**
 * What one transaction did to records, so that a failed one can be undone without copying every record first: a copy
 * of each existing record taken before its first write, and the records it created. A portal holds tens of thousands
 * of records while a write touches a handful.
 */
export class RecordJournal {
  readonly #before = new Map<CrmRecord, CrmRecord>();
  readonly #created: CrmRecord[] = [];

  willWrite(record: CrmRecord): void {
    if (!this.#before.has(record)) this.#before.set(record, structuredClone(record));
  }

  created(record: CrmRecord): void {
    this.#created.push(record);
  }

  /** Puts every record back as it was; the objects stay the same, so whatever holds them sees the old values. */
  rollback(records: EmulatorState['records']): void {
    for (const record of this.#created) records[record.type].delete(record.id);
    for (const [record, before] of this.#before) {
      for (const key of Object.keys(record)) delete (record as unknown as Record<string, unknown>)[key];
      Object.assign(record, before);
    }
  }
}
