// The payment-worker: orders. Types and paths from its contract, docs/openapi/payment.json.
import { PAYMENT_URL } from './config';
import type { components, paths } from './generated/payment';
import { apiClient, atUrl, ok, page, type Page } from './client';

type Schemas = components['schemas'];
/** Its `price`, `fee` and `total` are decimal numbers: use `toCents`. */
export type Order = Schemas['Order'];
export type OrderStatus = Schemas['OrderStatus'];
export type RefundReason = Schemas['RefundReason'];
/** The fee rate and the limits, to quote an order and check it before sending. */
export type PaymentConfig = Schemas['PaymentConfig'];

/** The customer's requests: an order's id is its credential, no token. */
const payments = apiClient<paths>('Payments', PAYMENT_URL);
/** Cancelling by id is the customer's too; an API that still wants the token for it answers 401,
 * and then the tab's token is used (or asked for). */
const paymentsCustomer = apiClient<paths>('Payments', PAYMENT_URL, 'whenAsked');
/** The back office's: the list of all orders, cancelling anyone's order. */
const paymentsAdmin = apiClient<paths>('Payments', PAYMENT_URL, 'send');
const byId = (id: string) => ({ params: { path: { id } } });

/** Places an order. `idempotencyKey` makes a retry safe: the same key with the same product and
 * quantity answers the order already placed (`replayed`) instead of placing another. */
export async function placeOrder(
  productId: string,
  quantity: number,
  idempotencyKey: string,
): Promise<{ order: Order; replayed: boolean }> {
  const answer = payments.POST('/orders', {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    body: { id: productId, quantity },
  });
  const order = await ok(answer);
  return { order, replayed: (await answer).response.headers.get('Idempotent-Replayed') === 'true' };
}
export const getOrder = (id: string) => ok(payments.GET('/orders/{id}', byId(id)));
/** Cancels a pending order, releasing the stock it reserved: the cancelled order. A 409
 * `not_cancellable` when it is no longer pending (its message names the status it has).
 * `asAdmin`: the back office's cancel (the token sent when the tab has one). */
export const cancelOrder = (id: string, asAdmin = false) =>
  ok((asAdmin ? paymentsAdmin : paymentsCustomer).POST('/orders/{id}/cancel', byId(id)));
/** The newest orders of the whole shop, at most `limit` (1 to 500): the back office's list. */
export const listOrders = (limit: number): Promise<Page<Order>> =>
  page(paymentsAdmin.GET('/orders', { params: { query: { limit } } }), PAYMENT_URL);
/** The page a `Link` names, followed as given. */
export const ordersPage = (url: string): Promise<Page<Order>> => page(paymentsAdmin.GET('/orders', atUrl(url)), PAYMENT_URL);
export const paymentsHealth = () => ok(payments.GET('/health'));
export const getPaymentConfig = () => ok(payments.GET('/config'));
