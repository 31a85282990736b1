// Under a paged list: how many rows are shown and, while a next page exists, *Load more*.
import { describeError } from '../api/client';
import { Spinner } from './Spinner';

export function LoadMore({
  shown,
  noun,
  more,
  busy,
  error,
  onClick,
}: {
  shown: number;
  noun: string;
  more: boolean;
  busy: boolean;
  error: unknown;
  onClick: () => void;
}) {
  return (
    <div className="d-flex align-items-center gap-3 mb-3" data-testid="load-more">
      <span className="small text-body-secondary" data-testid="shown-count">
        {shown} {noun} shown{more ? '; more to load' : ''}
      </span>
      {more && (
        <button type="button" className="btn btn-sm btn-outline-primary" onClick={onClick} disabled={busy}>
          {busy ? <Spinner label="Loading more…" muted={false} /> : 'Load more'}
        </button>
      )}
      {error !== undefined && (
        <span className="small text-danger" role="alert">
          {describeError(error)}
        </span>
      )}
    </div>
  );
}
