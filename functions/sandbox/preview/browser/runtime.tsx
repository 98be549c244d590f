import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';

/**
 * What the host's components share: calling an extension's handlers (which live in its worker and answer with a
 * promise), the overlays an extension opens by id (Modal, Panel) or by hovering their owner (Tooltip), and the form
 * that commits its inputs on submit.
 */
type Handler = ((...args: never[]) => unknown) | undefined;

/** Calls a handler from the extension; its errors surface in the page's error banner, not as unhandled rejections. */
export function call(handler: Handler, ...args: unknown[]): void {
  if (typeof handler !== 'function') return;
  Promise.resolve()
    .then(() => (handler as (...a: unknown[]) => unknown)(...args))
    .catch((err: unknown) => reportExtensionError(err));
}

let onExtensionError: (message: string) => void = (message) => console.error(message);
export function setExtensionErrorReporter(report: (message: string) => void): void {
  onExtensionError = report;
}
export function reportExtensionError(err: unknown): void {
  onExtensionError(err instanceof Error ? err.message : String(err));
}

/** The `ExtensionEvent` HubSpot passes to onClick-style handlers: plain data, so it crosses to the worker. */
export const extensionEvent = (e: SyntheticEvent | Event) => ({ type: e.type, bubbles: e.bubbles, timeStamp: e.timeStamp, id: '' });

// ---- overlays -------------------------------------------------------------------------------------------------

interface Overlays {
  isOpen(id: string): boolean;
  open(id: string): void;
  close(id: string): void;
}

const OverlayContext = createContext<Overlays | null>(null);

export function OverlayProvider({ children, controlRef }: { children: ReactNode; controlRef?: { current: Overlays | null } }) {
  const [open, setOpen] = useState<string[]>([]);
  const overlays = useMemo<Overlays>(
    () => ({
      isOpen: (id) => open.includes(id),
      open: (id) => setOpen((ids) => (ids.includes(id) ? ids : [...ids, id])),
      close: (id) => setOpen((ids) => ids.filter((x) => x !== id)),
    }),
    [open],
  );
  if (controlRef) controlRef.current = overlays;
  return <OverlayContext.Provider value={overlays}>{children}</OverlayContext.Provider>;
}

export function useOverlays(): Overlays {
  const overlays = useContext(OverlayContext);
  if (!overlays) throw new Error('overlay used outside an extension');
  return overlays;
}

/** `reactions`, the second argument of onClick handlers: open and close overlays by id. */
export function useReactions() {
  const overlays = useOverlays();
  return useMemo(() => ({ openPanel: overlays.open, closePanel: overlays.close, openModal: overlays.open, closeModal: overlays.close }), [overlays]);
}

/** The component an `overlay` prop belongs to: Modal and Panel register their ids with it, a Tooltip shows on hover. */
interface OverlayOwner {
  claim(id: string): () => void;
  hovered: boolean;
}
const OwnerContext = createContext<OverlayOwner | null>(null);
export const useOverlayOwner = () => useContext(OwnerContext);

/** Renders an element that owns an overlay; returns what a click on it must do to open that overlay. */
export function useOverlay(overlay: ReactNode) {
  const ids = useRef(new Set<string>());
  const overlays = useOverlays();
  const [hovered, setHovered] = useState(false);
  const owner = useMemo<OverlayOwner>(
    () => ({
      claim(id) {
        ids.current.add(id);
        return () => ids.current.delete(id);
      },
      hovered,
    }),
    [hovered],
  );
  const openOwned = useCallback(() => ids.current.forEach((id) => overlays.open(id)), [overlays]);
  const anchor = (element: ReactNode) =>
    overlay ? (
      <span
        className="hs-overlay-anchor"
        onMouseEnter={() => setHovered(true)}
        onMouseLeave={() => setHovered(false)}
        onFocus={() => setHovered(true)}
        onBlur={() => setHovered(false)}
      >
        {element}
        <OwnerContext.Provider value={owner}>{overlay}</OwnerContext.Provider>
      </span>
    ) : (
      element
    );
  return { openOwned, anchor };
}

/** Modal and Panel: open state by id, onOpen/onClose fired on each change, Escape closes. */
export function useOverlayState(id: string, onOpen: Handler, onClose: Handler) {
  const overlays = useOverlays();
  const owner = useOverlayOwner();
  useEffect(() => owner?.claim(id), [owner, id]);
  const isOpen = overlays.isOpen(id);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (isOpen && !wasOpen.current) call(onOpen);
    if (!isOpen && wasOpen.current) call(onClose);
    wasOpen.current = isOpen;
  }, [isOpen, onOpen, onClose]);
  useEffect(() => {
    if (!isOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && overlays.close(id);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [isOpen, overlays, id]);
  return { isOpen, close: () => overlays.close(id) };
}

// ---- forms ----------------------------------------------------------------------------------------------------

/** Inputs commit (fire onChange) on blur and when their form is submitted. */
export const FormContext = createContext<{ register(commit: () => void): () => void } | null>(null);

export function useCommitOnSubmit(commit: () => void) {
  const form = useContext(FormContext);
  const latest = useRef(commit);
  latest.current = commit;
  useEffect(() => form?.register(() => latest.current()), [form]);
}

/** An input's own value: starts from `value` (or `defaultValue`), follows `value` when the extension changes it. */
export function useLocalValue<T>(value: T | undefined, defaultValue: T | undefined, empty: T) {
  const [local, setLocal] = useState<T>(value ?? defaultValue ?? empty);
  const committed = useRef<T>(local);
  useEffect(() => {
    if (value !== undefined) {
      setLocal(value);
      committed.current = value;
    }
  }, [value]);
  return { local, setLocal, committed };
}

/** HubSpot's distances (`flush`, `xs` … `xl`, and their long names) in pixels. */
export function distance(value: string | undefined, fallback = 8): number {
  switch (value) {
    case 'flush':
      return 0;
    case 'xs':
    case 'extra-small':
      return 4;
    case 'sm':
    case 'small':
      return 8;
    case 'md':
    case 'medium':
      return 16;
    case 'lg':
    case 'large':
      return 24;
    case 'xl':
    case 'extra-large':
      return 32;
    default:
      return fallback;
  }
}

/** `xs` | `extra-small` … → the short name, for class names. */
export function size(value: string | undefined, fallback = 'md'): string {
  const long: Record<string, string> = { 'extra-small': 'xs', small: 'sm', medium: 'md', large: 'lg', 'extra-large': 'xl', default: fallback };
  return value ? (long[value] ?? value) : fallback;
}

export const cx = (...names: (string | false | undefined | null)[]) => names.filter(Boolean).join(' ');

/** `href` is a URL or `{url, external}`; external links open a new tab. */
export function hrefProps(href: string | { url: string; external?: boolean } | undefined) {
  if (href === undefined) return {};
  const { url, external } = typeof href === 'string' ? { url: href, external: /^https?:/.test(href) } : href;
  return { href: url, ...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {}) };
}
