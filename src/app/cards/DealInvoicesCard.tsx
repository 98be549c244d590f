import { hubspot } from '@hubspot/ui-extensions';
import { DealInvoices } from './DealInvoices';

hubspot.extend<'crm.record.tab'>(({ context, actions }) => <DealInvoices context={context} actions={actions} />);
