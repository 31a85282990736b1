/** A small spinner with its text; `muted` greys the text (not wanted inside a button). */
export function Spinner({ label = 'Loading…', muted = true }: { label?: string; muted?: boolean }) {
  return (
    <span className={`d-inline-flex align-items-center gap-2${muted ? ' text-body-secondary' : ''}`} role="status">
      <span className="spinner-border spinner-border-sm" aria-hidden="true" />
      {label}
    </span>
  );
}
