// Cancel for a pending order: the payment worker cancels it and its reserved stock is available
// again. When the payment went through meanwhile it answers 409 `not_cancellable`: its message is
// shown and the order read again, so that the status shown is the one it has now.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, describeError } from '../api/client';
import { cancelOrder, getOrder, type Order } from '../api/payments';
import { keys, orderChanged } from '../queries';
import { isCancellable } from '../status';
import { Spinner } from './Spinner';

export function CancelOrder({
  order,
  asAdmin = false,
  className,
}: {
  order: Order;
  /** The back office's cancel (All orders): with the admin token. Otherwise the customer's, by id. */
  asAdmin?: boolean;
  className?: string;
}) {
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => cancelOrder(order.id, asAdmin),
    onSuccess: async (cancelled) => {
      await orderChanged(queryClient, cancelled);
      void queryClient.invalidateQueries({ queryKey: keys.products }); // its stock is available again
    },
    onError: async (error) => {
      if (!(error instanceof ApiError && error.status === 409)) return;
      try {
        await orderChanged(queryClient, await getOrder(order.id));
      } catch {
        // Shown as it was; the screen's own refresh catches up.
      }
    },
  });
  const error = cancel.error ? describeError(cancel.error) : null;

  if (!isCancellable(order) && !error) return null;
  return (
    <div className={className}>
      {isCancellable(order) && (
        <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
          {cancel.isPending ? <Spinner label="Cancelling…" muted={false} /> : 'Cancel'}
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
