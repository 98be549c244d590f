import type { ReactNode } from 'react';

/** A component the preview knows but cannot draw offline (reports, charts, …), or one it does not know at all. */
export function Placeholder({ name, known, children }: { name: string; known: boolean; children?: ReactNode }) {
  return (
    <div className="hs-placeholder" data-component={name}>
      <div className="hs-placeholder__title">{known ? `${name} is not drawn in the local preview` : `Unknown component: ${name}`}</div>
      <div className="hs-placeholder__hint">
        {known ? 'HubSpot draws it from data only HubSpot has.' : 'The preview host has no component of this name, so it shows what the component wraps.'}
      </div>
      {children}
    </div>
  );
}
