import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  Flex,
  Heading,
  Link,
  LoadingSpinner,
  Statistics,
  StatisticsItem,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import type { ExtensionPointApiActions, ExtensionPointApiContext } from '@hubspot/ui-extensions';
import { useMemo, useState } from 'react';
import { backendFor, type Backend } from './backend';
import { formatDate, formatMoney } from './format';
import { useAction, useResource } from './resource';
import type { CreatedInvoice, DealInvoices as DealInvoicesData, InvoiceStatus } from './types';

export interface DealInvoicesProps {
  context: ExtensionPointApiContext<'crm.record.tab'>;
  actions: ExtensionPointApiActions<'crm.record.tab'>;
}

const STATUS: Record<InvoiceStatus, { label: string; variant: 'danger' | 'warning' | 'info' | 'success' | 'default' }> = {
  open: { label: 'Open', variant: 'info' },
  partially_paid: { label: 'Partially paid', variant: 'warning' },
  overdue: { label: 'Overdue', variant: 'danger' },
  paid: { label: 'Paid', variant: 'success' },
  voided: { label: 'Voided', variant: 'default' },
  deleted: { label: 'Deleted', variant: 'default' },
};

/** The deal's QuickBooks invoices and payments, as the app last synced them, and Create invoice. */
export function DealInvoices({ context, actions }: DealInvoicesProps) {
  const backend = useMemo(() => backendFor(context), [context]);
  if (!backend) {
    return (
      <ErrorState title="The app is not set up" type="support">
        <Text>This copy of the app does not know where its server is (BACKEND_URL is missing from its project profile). Contact the app's support.</Text>
      </ErrorState>
    );
  }
  return <Loaded backend={backend} dealId={String(context.crm.objectId)} locale={context.user.locale} actions={actions} />;
}

/** "Check #CHK-7"; a reference without a method reads "Ref. CHK-7". */
const paidWith = ({ method, reference }: DealInvoicesData['payments'][number]) =>
  method ? [method, reference && `#${reference}`].filter(Boolean).join(' ') : reference ? `Ref. ${reference}` : '—';

/** An id for one click of Create invoice: sent again when that click is retried, so it makes one invoice at most. */
const newRequestId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

function Loaded({ backend, dealId, locale, actions }: { backend: Backend; dealId: string; locale: string | undefined; actions: DealInvoicesProps['actions'] }) {
  const path = `/api/deals/${encodeURIComponent(dealId)}/invoices`;
  const card = useResource(() => backend.get<DealInvoicesData>(path));
  // Kept until an invoice is created: clicking again after a failure retries the same request, not a new one.
  const [requestId, setRequestId] = useState(newRequestId);
  const create = useAction(() => backend.send<CreatedInvoice>('POST', path, { requestId }));
  const { state } = card;
  const money = (amount: string, currency: string | null) => formatMoney(amount, currency, locale);

  if (state.status === 'loading') return <LoadingSpinner label="Loading invoices" layout="centered" />;
  if (state.status === 'error') {
    return (
      <ErrorState title="Couldn't load the QuickBooks invoices">
        <Text>{state.error.message}</Text>
        <Button onClick={card.reload}>Try again</Button>
      </ErrorState>
    );
  }

  const { connection, invoices, payments, totals, createInvoice } = state.data;
  const connected = connection.state === 'connected';
  const createNow = async () => {
    const created = await create.perform();
    if (!created) return;
    setRequestId(newRequestId());
    actions.addAlert({ type: 'success', message: `Invoice ${created.number ?? created.qboInvoiceId} was created in QuickBooks.` });
    card.reload();
  };

  return (
    <Flex direction="column" gap="medium">
      {!connected && (
        <Alert
          title={connection.state === 'needs_reconnect' ? 'QuickBooks needs to be reconnected' : 'QuickBooks is not connected'}
          variant="warning"
          testId="not-connected"
        >
          New invoices and payments will not appear here until a super admin {connection.state === 'needs_reconnect' ? 'reconnects' : 'connects'} QuickBooks on
          the app's settings page.
          {invoices.length > 0 ? ' These are the invoices as they were last synced.' : ''}
        </Alert>
      )}
      <Flex justify="between" align="center" gap="small">
        <Flex gap="small" align="center">
          {createInvoice.available && (
            <Button variant="primary" onClick={createNow} disabled={!createInvoice.enabled || create.busy} testId="create-invoice">
              Create invoice
            </Button>
          )}
          {createInvoice.available && !createInvoice.enabled && createInvoice.reason && <Text variant="microcopy">{createInvoice.reason}</Text>}
        </Flex>
        <Button size="sm" onClick={card.reload} testId="refresh">
          Refresh
        </Button>
      </Flex>
      {create.error && (
        <Alert title="The invoice was not created" variant="error">
          {create.error.message}
        </Alert>
      )}
      {invoices.length === 0 ? (
        connected && (
          <EmptyState title="No QuickBooks invoices for this deal yet" imageName="deals" layout="vertical">
            <Text>An invoice shows here once it exists in QuickBooks with this deal's record ID in its "HubSpot Deal" field.</Text>
          </EmptyState>
        )
      ) : (
        <>
          {totals.map((t) => (
            <Statistics key={t.currency ?? 'none'} testId={`totals-${t.currency ?? 'none'}`}>
              <StatisticsItem label="Billed" number={money(t.billed, t.currency)} />
              <StatisticsItem label="Paid" number={money(t.paid, t.currency)} />
              <StatisticsItem label="Outstanding" number={money(t.outstanding, t.currency)} />
            </Statistics>
          ))}
          <Heading>Invoices</Heading>
          <Table bordered testId="invoices">
            <TableHead>
              <TableRow>
                <TableHeader>Invoice</TableHeader>
                <TableHeader>Date</TableHeader>
                <TableHeader>Due</TableHeader>
                <TableHeader>Amount</TableHeader>
                <TableHeader>Balance</TableHeader>
                <TableHeader>Status</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {invoices.map((i) => (
                <TableRow key={i.qboInvoiceId}>
                  <TableCell>
                    {i.qboUrl ? <Link href={{ url: i.qboUrl, external: true }}>{i.number ?? i.qboInvoiceId}</Link> : (i.number ?? i.qboInvoiceId)}
                  </TableCell>
                  <TableCell>{formatDate(i.invoiceDate, locale)}</TableCell>
                  <TableCell>{formatDate(i.dueDate, locale)}</TableCell>
                  <TableCell>{money(i.amount, i.currency)}</TableCell>
                  <TableCell>{money(i.balance, i.currency)}</TableCell>
                  <TableCell>
                    <Flex gap="extra-small" wrap>
                      <StatusTag variant={STATUS[i.status].variant}>{STATUS[i.status].label}</StatusTag>
                      {i.daysOverdue > 0 && <Tag variant="error">{`${i.daysOverdue} ${i.daysOverdue === 1 ? 'day' : 'days'} overdue`}</Tag>}
                    </Flex>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Heading>Payments</Heading>
          {payments.length === 0 ? (
            <Text testId="no-payments">No payments yet.</Text>
          ) : (
            <Table bordered testId="payments">
              <TableHead>
                <TableRow>
                  <TableHeader>Date</TableHeader>
                  <TableHeader>Amount</TableHeader>
                  <TableHeader>Method</TableHeader>
                  <TableHeader>Invoice</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {payments.map((p) => (
                  <TableRow key={`${p.qboPaymentId}-${p.qboInvoiceId}`}>
                    <TableCell>{formatDate(p.paidOn, locale)}</TableCell>
                    <TableCell>
                      {p.state === 'applied' ? (
                        money(p.amount, p.currency)
                      ) : (
                        <Flex gap="extra-small" wrap>
                          <Text>{money(p.amount, p.currency)}</Text>
                          <Tag variant="warning">{p.state === 'voided' ? 'Voided' : 'Deleted'}</Tag>
                        </Flex>
                      )}
                    </TableCell>
                    <TableCell>{paidWith(p)}</TableCell>
                    <TableCell>{p.invoiceNumber ?? p.qboInvoiceId}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
      {invoices.length === 0 && !connected && <Text testId="empty-not-connected">No invoices were synced for this deal.</Text>}
    </Flex>
  );
}
