import type { TokenCipher } from '../security/token-cipher';
import { checkpointStore } from './checkpoints';
import { connectionStore } from './connections';
import type { Db } from './db';
import { invoiceExportStore } from './invoice-exports';
import { invoiceRequestStore } from './invoice-requests';
import { invoiceStore } from './invoices';
import { leaseStore } from './leases';
import { linkStore } from './links';
import { oauthStateStore } from './oauth-states';
import { pendingQboConnectionStore } from './pending-qbo-connections';
import { syncLogStore } from './sync-log';
import { syncRunStore } from './sync-runs';
import { syncSettingsStore } from './sync-settings';
import { webhookInboxStore } from './webhook-inbox';

/** Every table the product owns, behind one handle built at the composition root. */
export function createStore(db: Db, cipher: TokenCipher) {
  return {
    db,
    connections: connectionStore(db, cipher),
    syncSettings: syncSettingsStore(db),
    links: linkStore(db),
    checkpoints: checkpointStore(db),
    syncLog: syncLogStore(db),
    syncRuns: syncRunStore(db),
    inbox: webhookInboxStore(db),
    oauthStates: oauthStateStore(db),
    pendingQboConnections: pendingQboConnectionStore(db, cipher),
    invoiceRequests: invoiceRequestStore(db),
    leases: leaseStore(db),
    /** The invoice flow's own tables (what each invoice shows on its deal, payments, the deal an action made one from). */
    invoices: invoiceStore(db),
    /** HubSpot invoices exported to QuickBooks: their QBO twin and the lines HubSpot owns. */
    invoiceExports: invoiceExportStore(db),
  };
}

export type Store = ReturnType<typeof createStore>;
