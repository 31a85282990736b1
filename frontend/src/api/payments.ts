// The payment-worker: orders. Types and paths from its contract, docs/openapi/payment.json.
import { orderBody, type CartLine } from '../cart';
import { PAYMENT_URL } from './config';
import type { Order, paths } from './generated/payment';
import { atUrl, byId, ok, workerApi, type Page } from './client';

/** An `Order`'s `total` and its lines' `price`, `fee` and `total` are decimal numbers: use
 * `toCents`. Each line keeps the product's name and price as they were when ordered. (A one-line
 * order also has the tutorial's `product_id`, `price`, `fee`, `quantity`: the dashboard reads
 * `lines` only.) `PaymentConfig`: the fee rate and the limits, to quote an order and check it
 * before sending. */
export type { Order, OrderLine, OrderStatus, PaymentConfig, RefundReason } from './generated/payment';

/** `payments`: the customer's requests (placing, reading and cancelling an order by its id, which
 * is the customer's credential for it): never the admin token. `paymentsAdmin`: the back
 * office's (the list of all orders, cancelling anyone's order). */
const { open: payments, admin: paymentsAdmin, page } = workerApi<paths>('Payments', PAYMENT_URL);

/** Places the cart as one order. `idempotencyKey` makes a retry safe: the same key with the same
 * products and quantities (in any order) answers the order already placed (`replayed`) instead of
 * placing another. */
export async function placeOrder(lines: readonly CartLine[], idempotencyKey: string): Promise<{ order: Order; replayed: boolean }> {
  const answer = payments.POST('/orders', {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    body: orderBody(lines),
  });
  const order = await ok(answer);
  return { order, replayed: (await answer).response.headers.get('Idempotent-Replayed') === 'true' };
}

export const getOrder = (id: string) => ok(payments.GET('/orders/{id}', byId(id)));
/** Cancels a pending order, releasing the stock it reserved: the cancelled order. A 409
 * `not_cancellable` when it is no longer pending (its message names the status it has).
 * `asAdmin`: the back office's cancel (the token sent when the tab has one); the customer's sends
 * none. */
export const cancelOrder = (id: string, asAdmin = false) =>
  ok((asAdmin ? paymentsAdmin : payments).POST('/orders/{id}/cancel', byId(id)));
/** The newest orders of the whole shop, at most `limit` (1 to 500): the back office's list. */
export const listOrders = (limit: number): Promise<Page<Order>> =>
  page(paymentsAdmin.GET('/orders', { params: { query: { limit } } }));
/** The page a `Link` names, followed as given. */
export const ordersPage = (url: string): Promise<Page<Order>> => page(paymentsAdmin.GET('/orders', atUrl(url)));
export const paymentsHealth = () => ok(payments.GET('/health'));
export const getPaymentConfig = () => ok(payments.GET('/config'));
