// The payment-worker: orders. Types from its contract, docs/openapi/payment.json.
import { PAYMENT_URL } from './config';
import type { components } from './generated/payment';
import { request, type Client } from './http';

type Schemas = components['schemas'];
/** Its `price`, `fee` and `total` are decimal numbers: use `toCents`. */
export type Order = Schemas['Order'];
export type OrderStatus = Schemas['OrderStatus'];
export type RefundReason = Schemas['RefundReason'];
/** The fee rate and the limits, to quote an order and check it before sending. */
export type PaymentConfig = Schemas['PaymentConfig'];

const payments: Client = { service: 'Payments', baseUrl: PAYMENT_URL };

export const placeOrder = (productId: string, quantity: number) => {
  const body: Schemas['OrderRequest'] = { id: productId, quantity };
  return request<Order>(payments, 'POST', '/orders', body);
};
export const getOrder = (id: string) => request<Order>(payments, 'GET', `/orders/${encodeURIComponent(id)}`);
export const listOrders = (limit = 50) => request<Order[]>(payments, 'GET', `/orders?limit=${limit}`);
export const paymentsHealth = () => request<Schemas['Health']>(payments, 'GET', '/health');
export const getPaymentConfig = () => request<PaymentConfig>(payments, 'GET', '/config');
