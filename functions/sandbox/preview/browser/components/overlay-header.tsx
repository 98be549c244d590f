/** The title bar of a modal or panel, with its close button. */
export function OverlayHeader({ className, title, close }: { className: string; title: string | undefined; close: () => void }) {
  return (
    <div className={className}>
      <h2>{title}</h2>
      <button type="button" className="hs-close" aria-label="Close" onClick={close}>
        ✕
      </button>
    </div>
  );
}
