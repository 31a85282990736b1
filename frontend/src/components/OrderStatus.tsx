// One order, followed live: polled every second while pending, then a while longer in case the
// consumer refunds it (product deleted, stock short). While pending it can be cancelled.
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../api/client';
import { getOrder, type Order } from '../api/payments';
import { formatMoney, toCents } from '../pricing';
import { keys } from '../queries';
import { mayStillChange, statusMessage, statusTitle, statusVariant } from '../status';
import { CancelOrder } from './CancelOrder';
import { Spinner } from './Spinner';
import { StatusBadge } from './StatusBadge';

export const PENDING_POLL_MS = 1000;
export const SETTLING_POLL_MS = 2000;

export function orderRefreshMs(order: Order | undefined): number | false {
  if (order?.status === 'pending') return PENDING_POLL_MS;
  return order && mayStillChange(order) ? SETTLING_POLL_MS : false;
}

export function OrderStatus({ initial, productName }: { initial: Order; productName: string }) {
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
        <dl className="row mb-0 small">
          <dt className="col-4">Order</dt>
          <dd className="col-8 id">{order.id}</dd>
          <dt className="col-4">Product</dt>
          <dd className="col-8">{productName}</dd>
          <dt className="col-4">Quantity</dt>
          <dd className="col-8">{order.quantity}</dd>
          <dt className="col-4">Unit price</dt>
          <dd className="col-8">
            {formatMoney(toCents(order.price))} + fee {formatMoney(toCents(order.fee))}
          </dd>
          <dt className="col-4">Total</dt>
          <dd className="col-8 fw-bold" data-testid="order-total">
            {formatMoney(toCents(order.total))}
          </dd>
        </dl>
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
