/**
 * Intuit's metering per company under the App Partner Program: data-out calls (queries, reads by id, CDC: "CorePlus")
 * are metered and capped on the Builder tier, data-in calls (creates, updates, deletes, voids, sends: "Core") are not
 * (https://blogs.intuit.com/2025/05/15/introducing-the-intuit-app-partner-program/,
 * https://help.developer.intuit.com/s/article/platform-service-fees). A batch is metered per item, each as the call it
 * holds ("Each BatchItemRequest is metered like a normal call",
 * https://github.com/IntuitDeveloper/SampleApp-Batch-Java/blob/main/docs/batch-tutorial.md). Only calls answered with
 * a 2xx count (as integrators report the fee page); a replayed `requestid` is such an answer and counts.
 */
export interface MeterReading {
  /** CorePlus: query, read by id (CompanyInfo, Preferences and invoice PDFs included), CDC. */
  reads: number;
  /** Core: create, update, delete, void, send. */
  writes: number;
}

export type CallKind = keyof MeterReading;

export class Metering {
  #realms = new Map<string, MeterReading>();

  count(realmId: string, kind: CallKind, n = 1): void {
    const reading = this.#realms.get(realmId) ?? { reads: 0, writes: 0 };
    reading[kind] += n;
    this.#realms.set(realmId, reading);
  }

  reading(realmId: string): MeterReading {
    return { ...(this.#realms.get(realmId) ?? { reads: 0, writes: 0 }) };
  }

  all(): Record<string, MeterReading> {
    return Object.fromEntries([...this.#realms].map(([realmId, r]) => [realmId, { ...r }]));
  }

  reset(): void {
    this.#realms.clear();
  }
}
