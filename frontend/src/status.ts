// What an order's status means to the person who placed it.
import type { OrderStatus, RefundReason } from './api/payments';

/** Strings beyond the contract's too: a newer API may add a status or a reason. */
export interface OrderState {
  status: OrderStatus | string;
  refund_reason: RefundReason | string | null;
  updated_at: string;
}

/** After an order completes, the consumer may still refund it (product gone, stock short) within
 * about a second, or at the next cron run: watch it this long before calling it settled. */
export const SETTLE_MS = 70_000;

export function statusLabel(status: string): string {
  switch (status) {
    case 'pending':
      return 'Pending';
    case 'completed':
      return 'Completed';
    case 'refunded':
      return 'Refunded';
    default:
      return status;
  }
}

/** Bootstrap colour of the status badge. */
export function statusVariant(status: string): 'warning' | 'success' | 'danger' | 'secondary' {
  switch (status) {
    case 'pending':
      return 'warning';
    case 'completed':
      return 'success';
    case 'refunded':
      return 'danger';
    default:
      return 'secondary';
  }
}

export function refundReasonText(reason: string | null): string {
  switch (reason) {
    case 'product_deleted':
      return 'the product was deleted before it could be delivered; you have been refunded.';
    case 'insufficient_stock':
      return 'there was not enough stock left to deliver your order; you have been refunded.';
    default:
      return 'your payment has been refunded.';
  }
}

/** One sentence for the customer. */
export function statusMessage(order: Pick<OrderState, 'status' | 'refund_reason'>): string {
  switch (order.status) {
    case 'pending':
      return 'Waiting for the payment to go through…';
    case 'completed':
      return 'Payment received: thank you for your order!';
    case 'refunded':
      return `Refunded: ${refundReasonText(order.refund_reason)}`;
    default:
      return `Status: ${order.status}`;
  }
}

/** Whether the order may still change: pending, or completed so recently that a refund may follow. */
export function mayStillChange(order: OrderState, now = Date.now()): boolean {
  if (order.status === 'pending') return true;
  if (order.status !== 'completed') return false;
  const updated = Date.parse(order.updated_at);
  return Number.isFinite(updated) && now - updated < SETTLE_MS;
}
