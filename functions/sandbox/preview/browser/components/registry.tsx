import type { ComponentType, ReactNode } from 'react';
import * as content from './content';
import * as crm from './crm';
import * as inputs from './inputs';
import * as interactive from './interactive';
import { Placeholder } from './placeholder';
import * as table from './table';

/**
 * Remote component name → the DOM component that draws it. The names are the ones `@hubspot/ui-extensions` 0.17.0
 * registers (`shared.synced/remoteComponents.synced.js`); compound parts use their registered names
 * (`Dropdown.ButtonItem` is `DropdownButtonItem`).
 */
export const COMPONENTS: Record<string, ComponentType<never>> = {
  ...content,
  ...table,
  ...inputs,
  Textarea: inputs.TextArea,
  ...interactive,
  CrmPropertyList: crm.CrmPropertyList,
  CrmDataHighlight: crm.CrmDataHighlight,
  CrmStageTracker: crm.CrmStageTracker,
  CrmAssociationTable: crm.CrmAssociationTable,
  CrmAssociationPropertyList: crm.CrmAssociationPropertyList,
  CrmActionButton: crm.CrmActionButton,
  CrmActionLink: crm.CrmActionLink,
} as Record<string, ComponentType<never>>;

/** SDK components that need data or tools only HubSpot has: drawn as a placeholder that names them. */
const NOT_OFFLINE = [
  'CrmReport',
  'CrmAssociationPivot',
  'CrmAssociationStageTracker',
  'CrmSimpleDeadline',
  'CrmStatistics',
  'CrmCardActions',
  'BarChart',
  'LineChart',
  'Iframe',
];

const placeholders = new Map<string, ComponentType<{ children?: ReactNode }>>();

/** The component for a remote type; an unknown one gets a placeholder that names it, never a crash. */
export function componentFor(type: string): ComponentType<never> {
  const known = COMPONENTS[type];
  if (known) return known;
  let placeholder = placeholders.get(type);
  if (!placeholder) {
    const isKnown = NOT_OFFLINE.includes(type);
    placeholder = ({ children }) => (
      <Placeholder name={type} known={isKnown}>
        {children}
      </Placeholder>
    );
    placeholder.displayName = `Placeholder(${type})`;
    placeholders.set(type, placeholder);
  }
  return placeholder as ComponentType<never>;
}
