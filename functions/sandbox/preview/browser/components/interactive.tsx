import type {
  AccordionProps,
  ButtonProps,
  ButtonRowProps,
  DropdownButtonItemProps,
  DropdownProps,
  LoadingButtonProps,
  ModalBodyProps,
  ModalFooterProps,
  ModalProps,
  PanelBodyProps,
  PanelFooterProps,
  PanelProps,
  PanelSectionProps,
  TabProps,
  TabsProps,
} from '@hubspot/ui-extensions';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { call, cx, extensionEvent, hrefProps, size, useOverlay, useOverlayState, useReactions } from '../runtime';
import { OverlayHeader } from './overlay-header';

/** Buttons, menus, tabs, accordions and the overlays (Modal, Panel) a button, link, tag or image opens. */

function useClick(onClick: ButtonProps['onClick'], overlay: ReactNode) {
  const reactions = useReactions();
  const { openOwned, anchor } = useOverlay(overlay);
  const click = (e: MouseEvent) => {
    call(onClick, extensionEvent(e), reactions);
    openOwned();
  };
  return { click, anchor, openOwned };
}

export function Button({ children, onClick, href, disabled, variant = 'secondary', type = 'button', size: s, truncate, overlay }: ButtonProps) {
  const { click, anchor } = useClick(onClick, overlay);
  const className = cx('hs-button', `hs-button--${variant}`, `hs-button--${size(s, 'md')}`, truncate && 'hs-button--truncate');
  if (href !== undefined && !disabled) {
    return anchor(
      <a className={className} role="button" {...hrefProps(href)} onClick={click}>
        {children}
      </a>,
    );
  }
  return anchor(
    <button type={type} className={className} disabled={disabled} onClick={click}>
      {children}
    </button>,
  );
}

export function LoadingButton({
  children,
  onClick,
  disabled,
  variant = 'primary',
  type = 'button',
  size: s,
  loading = false,
  overlay,
  overlayOptions,
}: LoadingButtonProps) {
  const { click, anchor, openOwned } = useClick(onClick, overlay);
  const openAfterLoading = overlayOptions?.openBehavior === 'onLoadingFinish';
  const waiting = useRef(false);
  useEffect(() => {
    if (waiting.current && !loading) {
      waiting.current = false;
      openOwned();
    }
  }, [loading, openOwned]);
  return anchor(
    <button
      type={type}
      className={cx('hs-button', `hs-button--${variant}`, `hs-button--${size(s, 'md')}`, loading && 'hs-button--loading')}
      disabled={disabled || loading}
      aria-busy={loading}
      onClick={(e) => {
        if (!openAfterLoading) return click(e);
        waiting.current = true;
        call(onClick, extensionEvent(e), undefined);
      }}
    >
      {loading && <span className="hs-spinner__wheel hs-spinner__wheel--xs" aria-hidden />}
      {children}
    </button>,
  );
}

export function ButtonRow({ children }: ButtonRowProps) {
  return <div className="hs-button-row">{children}</div>;
}

const MenuContext = createContext<(() => void) | null>(null);

export function Dropdown({ options, variant = 'secondary', buttonText = 'More', buttonSize, disabled, children }: DropdownProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: globalThis.MouseEvent) => root.current && !root.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  return (
    <div className="hs-dropdown" ref={root}>
      <button
        type="button"
        className={cx('hs-button', `hs-button--${variant}`, `hs-button--${size(buttonSize, 'md')}`)}
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        {buttonText} ▾
      </button>
      {/* Items stay mounted while the menu is closed, so overlays they own (a Modal) keep their state. */}
      <div role="menu" className="hs-dropdown__menu" hidden={!open}>
        <MenuContext.Provider value={() => setOpen(false)}>
          {options?.map((o, i) => (
            <button
              key={i}
              type="button"
              role="menuitem"
              className="hs-dropdown__item"
              onClick={() => {
                setOpen(false);
                call(o.onClick);
              }}
            >
              {o.label}
            </button>
          ))}
          {children}
        </MenuContext.Provider>
      </div>
    </div>
  );
}

export function DropdownButtonItem({ children, onClick, overlay }: DropdownButtonItemProps) {
  const close = useContext(MenuContext);
  const { click, anchor } = useClick(onClick, overlay);
  return anchor(
    <button
      type="button"
      role="menuitem"
      className="hs-dropdown__item"
      onClick={(e) => {
        close?.();
        click(e);
      }}
    >
      {children}
    </button>,
  );
}

/** Tabs learn their tabs from the Tab children, which register their title and id in order. */
interface TabInfo {
  key: string | number;
  title: string;
  disabled: boolean;
  tooltip: string | undefined;
}
interface TabRegistry {
  register(order: number, info: TabInfo): () => void;
  nextOrder(): number;
}
const TabsContext = createContext<{ registry: TabRegistry; selected: string | number | undefined } | null>(null);

export function Tabs({ children, selected, defaultSelected, onSelectedChange, variant = 'default', fill }: TabsProps) {
  const [tabs, setTabs] = useState<Map<number, TabInfo>>(new Map());
  const [own, setOwn] = useState(defaultSelected);
  const order = useRef(0);
  const list = [...tabs.entries()].sort(([a], [b]) => a - b).map(([, info]) => info);
  const current = selected ?? own ?? list.find((t) => !t.disabled)?.key;
  // One registry for the component's lifetime: a Tab registers once, not on every render of its parent.
  const registry = useMemo<TabRegistry>(
    () => ({
      nextOrder: () => order.current++,
      register(at, info) {
        setTabs((m) => new Map(m).set(at, info));
        return () =>
          setTabs((m) => {
            const next = new Map(m);
            next.delete(at);
            return next;
          });
      },
    }),
    [],
  );
  const context = useMemo(() => ({ registry, selected: current }), [registry, current]);
  return (
    <div className={cx('hs-tabs', `hs-tabs--${variant}`, fill && 'hs-tabs--fill')}>
      <div role="tablist" className="hs-tabs__list">
        {list.map((t) => (
          <button
            key={String(t.key)}
            type="button"
            role="tab"
            title={t.tooltip}
            aria-selected={t.key === current}
            disabled={t.disabled}
            className={cx('hs-tabs__tab', t.key === current && 'hs-tabs__tab--selected')}
            onClick={() => {
              setOwn(t.key);
              call(onSelectedChange, t.key);
            }}
          >
            {t.title}
          </button>
        ))}
      </div>
      <TabsContext.Provider value={context}>{children}</TabsContext.Provider>
    </div>
  );
}

export function Tab({ children, tabId, title, disabled = false, tooltip }: TabProps) {
  const tabs = useContext(TabsContext);
  const registry = tabs?.registry;
  const [order] = useState(() => registry?.nextOrder() ?? 0);
  const key = tabId ?? order;
  useEffect(() => registry?.register(order, { key, title: title ?? String(key), disabled, tooltip }), [registry, order, key, title, disabled, tooltip]);
  if (tabs?.selected !== key) return null;
  return (
    <div role="tabpanel" className="hs-tabs__panel">
      {children}
    </div>
  );
}

export function Accordion({ title, children, defaultOpen = false, open, disabled, size: s, onClick }: AccordionProps) {
  const [own, setOwn] = useState(defaultOpen);
  const isOpen = open ?? own;
  return (
    <div className={cx('hs-accordion', `hs-accordion--${size(s, 'sm')}`)}>
      <button
        type="button"
        className="hs-accordion__header"
        aria-expanded={isOpen}
        disabled={disabled}
        onClick={() => {
          setOwn(!isOpen);
          call(onClick);
        }}
      >
        <span className="hs-accordion__chevron" aria-hidden>
          {isOpen ? '▾' : '▸'}
        </span>
        {title}
      </button>
      {isOpen && <div className="hs-accordion__body">{children}</div>}
    </div>
  );
}

export function Modal({ id, title, children, width = 'md', variant = 'default', onOpen, onClose, ...rest }: ModalProps) {
  const { isOpen, close } = useOverlayState(id, onOpen, onClose);
  if (!isOpen) return null;
  return createPortal(
    <div className="hs-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label={rest['aria-label'] ?? title}
        data-overlay-id={id}
        className={cx('hs-modal', `hs-modal--${size(width)}`, variant === 'danger' && 'hs-modal--danger')}
      >
        <OverlayHeader className="hs-modal__header" title={title} close={close} />
        {children}
      </div>
    </div>,
    document.body,
  );
}

export const ModalBody = ({ children }: ModalBodyProps) => <div className="hs-modal__body">{children}</div>;
export const ModalFooter = ({ children }: ModalFooterProps) => <div className="hs-modal__footer">{children}</div>;

export function Panel({ id, title, children, width = 'sm', variant = 'default', onOpen, onClose, ...rest }: PanelProps) {
  const { isOpen, close } = useOverlayState(id, onOpen, onClose);
  if (!isOpen) return null;
  const panel = (
    <aside role="dialog" aria-label={rest['aria-label'] ?? title} data-overlay-id={id} className={cx('hs-panel', `hs-panel--${size(width, 'sm')}`)}>
      <OverlayHeader className="hs-panel__header" title={title} close={close} />
      {children}
    </aside>
  );
  return createPortal(
    variant === 'modal' ? (
      <div className="hs-backdrop hs-backdrop--panel" onMouseDown={(e) => e.target === e.currentTarget && close()}>
        {panel}
      </div>
    ) : (
      panel
    ),
    document.body,
  );
}

export const PanelBody = ({ children }: PanelBodyProps) => <div className="hs-panel__body">{children}</div>;
export const PanelFooter = ({ children }: PanelFooterProps) => <div className="hs-panel__footer">{children}</div>;
export const PanelSection = ({ children, flush }: PanelSectionProps) => (
  <section className={cx('hs-panel__section', flush && 'hs-panel__section--flush')}>{children}</section>
);
