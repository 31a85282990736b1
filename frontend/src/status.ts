// What an order's status means to the person who placed it.
import type { OrderStatus, RefundReason } from './api/payments';

/** Strings beyond the contract's too: a newer API may add a status or a reason. */
export interface OrderState {
  status: OrderStatus | string;
  refund_reason: RefundReason | string | null;
  updated_at: string;
}

/** After an order completes, the consumer may still refund it (a product deleted meanwhile) within
 * about a second, or at the next cron run: watch it this long before calling it settled. */
export const SETTLE_MS = 70_000;

type Variant = 'warning' | 'success' | 'danger' | 'secondary';

interface StatusWords {
  label: string;
  /** Bootstrap colour of its badge and card. */
  variant: Variant;
  /** The heading of the checkout's order card. */
  title: string;
  /** One sentence for the customer (a refund's depends on its reason: `statusMessage`). */
  message: string;
}

// A Record over the contract's statuses: a status the API adds fails the type check until it is
// worded here.
const STATUSES: Record<OrderStatus, StatusWords> = {
  pending: {
    label: 'Pending',
    variant: 'warning',
    title: 'Thank you for your order',
    message: 'Waiting for the payment to go through…',
  },
  completed: {
    label: 'Completed',
    variant: 'success',
    title: 'Thank you for your order',
    message: 'Payment received: thank you for your order!',
  },
  refunded: { label: 'Refunded', variant: 'danger', title: 'Your order was refunded', message: '' },
  cancelled: {
    label: 'Cancelled',
    variant: 'secondary',
    title: 'Your order was cancelled',
    message: 'Cancelled before the payment went through: you have not been charged.',
  },
};

/** The words for a status, or a plain rendering of one this dashboard does not know yet. */
function words(status: string): StatusWords {
  if (Object.hasOwn(STATUSES, status)) return STATUSES[status as OrderStatus];
  return { label: status, variant: 'secondary', title: 'Your order', message: `Status: ${status}` };
}

export const statusLabel = (status: string): string => words(status).label;
export const statusVariant = (status: string): Variant => words(status).variant;
export const statusTitle = (status: string): string => words(status).title;

/** Why an order was refunded, for its customer; `lines`: how many products it had. */
export function refundReasonText(reason: string | null, lines = 1): string {
  switch (reason) {
    case 'product_deleted':
      return lines > 1
        ? 'one of its products was deleted before it could be delivered, so the whole order was refunded and nothing was taken.'
        : 'the product was deleted before it could be delivered; you have been refunded.';
    default:
      return 'your payment has been refunded.';
  }
}

/** One sentence for the customer. */
export function statusMessage(order: Pick<OrderState, 'status' | 'refund_reason'> & { lines?: readonly unknown[] }): string {
  if (order.status === 'refunded') return `Refunded: ${refundReasonText(order.refund_reason, order.lines?.length)}`;
  return words(order.status).message;
}

/** Whether the order may still change: pending, or completed so recently that a refund may follow. */
export function mayStillChange(order: OrderState, now = Date.now()): boolean {
  if (order.status === 'pending') return true;
  if (order.status !== 'completed') return false;
  const updated = Date.parse(order.updated_at);
  return Number.isFinite(updated) && now - updated < SETTLE_MS;
}

/** Only a pending order can be cancelled (the payment worker answers 409 for any other). */
export const isCancellable = (order: Pick<OrderState, 'status'>): boolean => order.status === 'pending';
