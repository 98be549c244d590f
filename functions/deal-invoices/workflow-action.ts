import type { ProviderClients } from '../connections/provider-clients';
import { HubSpotApiError } from '../hubspot/errors';
import { outputFields, type ActionExecution, type ActionResult } from '../hubspot/workflow-action';
import type { Jobs } from '../jobs/queue';
import type { Logger } from '../log';
import type { Store } from '../store/store';
import { InvoiceCreationDeferred, invoiceFailure } from './failures';
import type { DealInvoiceService, InvoiceCreation } from './service';

export const CREATE_INVOICE_QUEUE = 'deal-invoices.workflow-action';

/** A blocked execution waits this long for its callback (ISO-8601); the queued retries end well before. */
const BLOCK_EXPIRES_IN = 'P1D';

/** Retries of a deferred execution: 30 s doubling to 15 min apart, about 1.5 hours in all, then QBO_UNAVAILABLE. */
const RETRIES = { retryLimit: 10, retryDelaySeconds: 30, retryBackoff: true, retryDelayMaxSeconds: 900 } as const;

interface CompletionJob {
  connectionId: string;
  portalId: number;
  callbackId: string;
  dealId: string;
  inputs: Record<string, string>;
  dealProperties?: Record<string, string | null>;
}

type ActionAnswer = { kind: 'done'; result: ActionResult } | { kind: 'blocked'; expiresIn: string };

const idempotencyKey = (callbackId: string) => `workflow:${callbackId}`;
const SOURCE = 'a workflow';

/**
 * The "Create invoice" workflow action: an execution is answered within seconds, with the invoice's outputs or the
 * failure's execution rule; when QBO or HubSpot is slow, limiting or down it is answered BLOCK and finished by a
 * queued job that completes it through the callbacks API. The callbackId is the idempotency key: a retried or
 * replayed execution gets the same outputs and creates nothing.
 */
export class CreateInvoiceAction {
  readonly #deps: { service: DealInvoiceService; store: Store; jobs: Jobs; clients: ProviderClients; log: Logger };

  constructor(deps: { service: DealInvoiceService; store: Store; jobs: Jobs; clients: ProviderClients; log: Logger }) {
    this.#deps = deps;
  }

  /** Defines the completion queue; `work`: this process runs its jobs (a worker). */
  async start({ work }: { work: boolean }): Promise<void> {
    const { jobs } = this.#deps;
    // stately: one queued and one running completion per callbackId, however often HubSpot retries the execution.
    await jobs.define({ name: CREATE_INVOICE_QUEUE, ...RETRIES, policy: 'stately' });
    if (work) await jobs.work<CompletionJob>(CREATE_INVOICE_QUEUE, (data, job) => this.#complete(data, job.retryCount), { concurrency: 4 });
  }

  /** A verified execution on a deal. */
  async execute(execution: ActionExecution): Promise<ActionAnswer> {
    const { store, service, jobs } = this.#deps;
    const connection = await store.connections.byPortal(execution.portalId);
    if (connection === undefined)
      return { kind: 'done', result: resultOf({ status: 'failed', failure: invoiceFailure('QBO_NOT_CONNECTED'), invoice: undefined, replayed: false }) };
    const run = { source: SOURCE, interactive: true, ...(execution.properties !== undefined ? { dealProperties: execution.properties } : {}) };
    try {
      return {
        kind: 'done',
        result: resultOf(await service.createInvoiceFromDeal(connection.id, execution.objectId, execution.inputs, idempotencyKey(execution.callbackId), run)),
      };
    } catch (err) {
      if (!(err instanceof InvoiceCreationDeferred)) throw err;
      const job: CompletionJob = {
        connectionId: connection.id,
        portalId: execution.portalId,
        callbackId: execution.callbackId,
        dealId: execution.objectId,
        inputs: execution.inputs,
      };
      if (execution.properties !== undefined) job.dealProperties = execution.properties;
      await jobs.send(CREATE_INVOICE_QUEUE, job, { singletonKey: execution.callbackId });
      this.#deps.log.info({ connectionId: connection.id, callbackId: execution.callbackId, reason: err.message }, 'workflow action deferred: answered BLOCK');
      return { kind: 'blocked', expiresIn: BLOCK_EXPIRES_IN };
    }
  }

  /** The queued end of a blocked execution: create (or replay) the invoice, then complete the callback. */
  async #complete(job: CompletionJob, retryCount: number): Promise<void> {
    const { service, store, clients, log } = this.#deps;
    const key = idempotencyKey(job.callbackId);
    let outcome: InvoiceCreation;
    try {
      outcome = await service.createInvoiceFromDeal(job.connectionId, job.dealId, job.inputs, key, {
        source: SOURCE,
        ...(job.dealProperties ? { dealProperties: job.dealProperties } : {}),
      });
    } catch (err) {
      if (!(err instanceof InvoiceCreationDeferred) || retryCount < RETRIES.retryLimit) throw err;
      outcome = await service.abandon(job.connectionId, key, job.dealId, SOURCE, err.message);
    }
    const connection = await store.connections.get(job.connectionId);
    if (connection === undefined) return;
    try {
      await clients.hubspot(connection).completeWorkflowCallback(job.callbackId, outputFields(resultOf(outcome)));
    } catch (err) {
      if (!(err instanceof HubSpotApiError) || err.retryable) throw err;
      // Completed already (a retried execution answered it), expired, or the grant is gone: nothing left to tell HubSpot.
      log.warn({ err, connectionId: job.connectionId, callbackId: job.callbackId }, 'HubSpot refused the workflow callback completion');
      await store.syncLog.record({
        connectionId: job.connectionId,
        object: 'invoices',
        direction: 'to_hubspot',
        hubspotId: job.dealId,
        action: 'complete_workflow_action',
        outcome: 'skipped',
        errorCode: `hubspot_${err.kind}`,
        message: `HubSpot no longer waited for this workflow's "Create invoice" step (${err.detail}); the invoice outcome is the entry before this one.`,
      });
    }
  }
}

/** The action's outputs (names from create-invoice-hsmeta.json) for an outcome. */
export function resultOf(outcome: InvoiceCreation): ActionResult {
  const invoice = outcome.invoice;
  const outputs: Record<string, string> = invoice
    ? {
        qboInvoiceId: invoice.id,
        qboInvoiceNumber: invoice.number ?? '',
        qboInvoiceLink: invoice.link,
        qboInvoiceStatus: invoice.status,
        qboInvoiceTotal: invoice.total,
        qboInvoiceCurrency: invoice.currency,
      }
    : {};
  if (outcome.status === 'created') return { state: 'SUCCESS', outputs };
  return {
    state: 'FAIL_CONTINUE',
    outputs: { ...outputs, errorCode: outcome.failure.code, errorDetail: outcome.failure.detail, errorMessage: outcome.failure.message },
  };
}
