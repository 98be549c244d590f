import type { SyncLogEntry } from '../../store/sync-log';
import type { FlowContext } from '../flow';
import { describeFailure, ReconnectRequired, RetryLater } from './failures';

/** Where in a run something happened, for the sync log: the record(s) and the step. */
export type LogPlace = Omit<SyncLogEntry, 'connectionId' | 'object' | 'outcome'>;

/**
 * One run's bookkeeping, the same for every flow: its counts, the sync log, and what happens when a record's step
 * fails. A validation fault is that record's problem: logged for the admin in plain words, and the run goes on. Rate
 * limits and outages end the run for a retry with backoff (once every other record has had its turn); dead tokens
 * end it for a reconnect. A run whose lease was lost stops before its next step.
 */
export class RunBook<C extends { failed: number }> {
  readonly counts: C;
  readonly #run: Pick<FlowContext<unknown>, 'connectionId' | 'store' | 'log' | 'signal' | 'now'>;
  readonly #object: string;
  #retryLater: unknown;

  constructor(run: Pick<FlowContext<unknown>, 'connectionId' | 'store' | 'log' | 'signal' | 'now'>, object: string, counts: C) {
    this.#run = run;
    this.#object = object;
    this.counts = counts;
  }

  /** Runs one record's step; a failure is dealt with as above, and the step's result is undefined. */
  async guard<T>(where: LogPlace, step: () => Promise<T>): Promise<T | undefined> {
    this.#run.signal.throwIfAborted();
    try {
      return await step();
    } catch (err) {
      await this.failed(where, err);
      return undefined;
    }
  }

  /** A record's failure: logged against it in plain words, unless it is the connection's or worth retrying later. */
  async failed(where: LogPlace, err: unknown): Promise<void> {
    if (this.#run.signal.aborted) throw this.#run.signal.reason;
    const failure = describeFailure(err);
    if (failure.reauth) throw new ReconnectRequired(failure.message, { cause: err });
    if (failure.retryable) {
      this.#retryLater ??= err;
      return;
    }
    this.counts.failed++;
    this.#run.log.warn({ err, connectionId: this.#run.connectionId, object: this.#object, ...where }, 'record failed to sync');
    await this.log({ ...where, outcome: 'failed', errorCode: failure.code, message: failure.message });
  }

  async log(entry: Omit<SyncLogEntry, 'connectionId' | 'object'>): Promise<void> {
    await this.#run.store.syncLog.record({ connectionId: this.#run.connectionId, object: this.#object, at: this.#run.now(), ...entry });
  }

  /** The run's counts, or RetryLater when a record met an outage: the job is retried and picks the record up again. */
  finish(): C {
    if (this.#retryLater !== undefined) {
      throw new RetryLater(`${describeFailure(this.#retryLater).message} The sync will be retried.`, { cause: this.#retryLater });
    }
    return { ...this.counts };
  }
}
