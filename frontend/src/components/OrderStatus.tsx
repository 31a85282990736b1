// One order, followed live: polled every second while pending, then a while longer in case the
// consumer refunds it (a product deleted meanwhile). Its lines as the order keeps them. While
// pending it can be cancelled.
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../api/client';
import { getOrder, type Order } from '../api/payments';
import { keys } from '../queries';
import { mayStillChange, statusMessage, statusTitle, statusVariant } from '../status';
import { CancelOrder } from './CancelOrder';
import { OrderLines } from './OrderLines';
import { Spinner } from './Spinner';
import { StatusBadge } from './StatusBadge';

export const PENDING_POLL_MS = 1000;
export const SETTLING_POLL_MS = 2000;

export function orderRefreshMs(order: Order | undefined): number | false {
  if (order?.status === 'pending') return PENDING_POLL_MS;
  return order && mayStillChange(order) ? SETTLING_POLL_MS : false;
}

export function OrderStatus({ initial }: { initial: Order }) {
  const polled = useQuery({
    queryKey: keys.order(initial.id),
    queryFn: () => getOrder(initial.id),
    initialData: initial,
    refetchInterval: (query) => orderRefreshMs(query.state.data),
  });
  const order = polled.data;
  // An unreachable API is retried without an `error`: its `failureReason` says why.
  const failure = polled.error ?? polled.failureReason;

  return (
    <section className={`card border-${statusVariant(order.status)}`} aria-label="Your order" data-testid="order">
      <div className="card-header d-flex justify-content-between align-items-center">
        <span>{statusTitle(order.status)}</span>
        <StatusBadge status={order.status} testId="order-status" />
      </div>
      <div className="card-body">
        <p className="card-text" role="status" data-testid="order-message">
          {order.status === 'pending' && <span className="spinner-border spinner-border-sm me-2" aria-hidden="true" />}
          {statusMessage(order)}
        </p>
        <dl className="row mb-2 small">
          <dt className="col-3">Order</dt>
          <dd className="col-9 id">{order.id}</dd>
        </dl>
        <OrderLines order={order} />
        <CancelOrder order={order} className="mt-2" />
        {failure && (
          <div className="small text-body-secondary mt-2">
            <Spinner label={`Status not updated: ${describeError(failure)} Retrying…`} />
          </div>
        )}
      </div>
    </section>
  );
}
