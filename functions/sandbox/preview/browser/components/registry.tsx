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
const tagged = new Map<string, ComponentType<never>>();

/** Parts that must stay direct children of their table element, where a wrapper would break the table. */
const TABLE_PARTS = new Set(['TableHead', 'TableBody', 'TableFooter', 'TableRow', 'TableCell', 'TableHeader']);

/**
 * The SDK's `testId` prop (what `findByTestId` finds in `@hubspot/ui-extensions/testing`) as `data-testid` on a
 * wrapper that takes no room in the layout, so browser tests find the same components as the renderer tests.
 */
function withTestId(type: string, Component: ComponentType<never>): ComponentType<never> {
  if (TABLE_PARTS.has(type)) return Component;
  let wrapped = tagged.get(type);
  if (!wrapped) {
    const Drawn = Component as ComponentType<{ testId?: string }>;
    const Tagged = (props: { testId?: string }) =>
      props.testId ? (
        <div data-testid={props.testId} style={{ display: 'contents' }}>
          <Drawn {...props} />
        </div>
      ) : (
        <Drawn {...props} />
      );
    Tagged.displayName = `TestId(${type})`;
    wrapped = Tagged as ComponentType<never>;
    tagged.set(type, wrapped);
  }
  return wrapped;
}

/** The component for a remote type; an unknown one gets a placeholder that names it, never a crash. */
export function componentFor(type: string): ComponentType<never> {
  const known = COMPONENTS[type];
  if (known) return withTestId(type, known);
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
