// The payment-worker: orders (see shared/docs/api.md).
import { PAYMENT_URL } from './config';
import { request, type Client } from './http';
import type { OrderStatus } from '../status';

export interface Order {
  id: string;
  product_id: string;
  /** Unit price, fee and total as the API shows them (decimal numbers): use `toCents`. */
  price: number;
  fee: number;
  total: number;
  quantity: number;
  status: OrderStatus;
  refund_reason: 'product_deleted' | 'insufficient_stock' | null;
  created_at: string;
  updated_at: string;
}

const payments: Client = { service: 'Payments', baseUrl: PAYMENT_URL };

export const placeOrder = (productId: string, quantity: number) =>
  request<Order>(payments, 'POST', '/orders', { id: productId, quantity });
export const getOrder = (id: string) => request<Order>(payments, 'GET', `/orders/${encodeURIComponent(id)}`);
export const listOrders = (limit = 50) => request<Order[]>(payments, 'GET', `/orders?limit=${limit}`);
export const paymentsHealth = () => request<unknown>(payments, 'GET', '/health');
