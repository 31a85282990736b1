// The payment-worker: orders. Types from its contract, docs/openapi/payment.json.
import { PAYMENT_URL } from './config';
import type { components } from './generated/payment';
import { request, requestPage, requestWithHeaders, type Client, type Page } from './http';

type Schemas = components['schemas'];
/** Its `price`, `fee` and `total` are decimal numbers: use `toCents`. */
export type Order = Schemas['Order'];
export type OrderStatus = Schemas['OrderStatus'];
export type RefundReason = Schemas['RefundReason'];
/** The fee rate and the limits, to quote an order and check it before sending. */
export type PaymentConfig = Schemas['PaymentConfig'];

const payments: Client = { service: 'Payments', baseUrl: PAYMENT_URL };
/** Cancelling someone's order is the shop's to do: it needs the admin token when one is set. */
const paymentsAdmin: Client = { ...payments, admin: true };

/** Places an order. `idempotencyKey` makes a retry safe: the same key with the same product and
 * quantity answers the order already placed (`replayed`) instead of placing another. */
export const placeOrder = async (
  productId: string,
  quantity: number,
  idempotencyKey: string,
): Promise<{ order: Order; replayed: boolean }> => {
  const body: Schemas['OrderRequest'] = { id: productId, quantity };
  const { data, headers } = await requestWithHeaders<Order>(payments, 'POST', '/orders', body, {
    'Idempotency-Key': idempotencyKey,
  });
  return { order: data, replayed: headers.get('Idempotent-Replayed') === 'true' };
};
const orderPath = (id: string) => `/orders/${encodeURIComponent(id)}`;
export const getOrder = (id: string) => request<Order>(payments, 'GET', orderPath(id));
/** Cancels a pending order, releasing the stock it reserved: the cancelled order. A 409
 * `not_cancellable` when it is no longer pending (its message names the status it has); the
 * token dialog on a 401, as for product changes. */
export const cancelOrder = (id: string) => request<Order>(paymentsAdmin, 'POST', `${orderPath(id)}/cancel`);
/** The newest orders, at most `limit` (1 to 500). */
export const listOrders = (limit: number) => requestPage<Order>(payments, `/orders?limit=${limit}`);
/** The page a `Link` names, followed as given. */
export const ordersPage = (url: string): Promise<Page<Order>> => requestPage<Order>(payments, url);
export const paymentsHealth = () => request<Schemas['Health']>(payments, 'GET', '/health');
export const getPaymentConfig = () => request<PaymentConfig>(payments, 'GET', '/config');
