// Cancel for a pending order: the payment worker cancels it and its reserved stock is available
// again. When the payment went through meanwhile it answers 409 `not_cancellable`: its message is
// shown and the order read again, so that the status shown is the one it has now.
import { useState } from 'react';
import { ApiError, describeError } from '../api/http';
import { cancelOrder, getOrder, type Order } from '../api/payments';
import { isCancellable } from '../status';
import { Spinner } from './Spinner';

export function CancelOrder({
  order,
  onChange,
  className,
}: {
  order: Order;
  onChange: (order: Order) => void;
  className?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      onChange(await cancelOrder(order.id));
    } catch (e) {
      setError(describeError(e));
      if (e instanceof ApiError && e.status === 409) {
        try {
          onChange(await getOrder(order.id));
        } catch {
          // Shown as it was; the screen's own refresh catches up.
        }
      }
    } finally {
      setBusy(false);
    }
  };

  if (!isCancellable(order) && !error) return null;
  return (
    <div className={className}>
      {isCancellable(order) && (
        <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => void cancel()} disabled={busy}>
          {busy ? <Spinner label="Cancelling…" muted={false} /> : 'Cancel'}
        </button>
      )}
      {error && (
        <div className="small text-danger" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
