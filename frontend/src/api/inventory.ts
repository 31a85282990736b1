// The inventory-worker: products (see shared/docs/api.md).
import { INVENTORY_URL } from './config';
import { request, type Client } from './http';

export interface Product {
  id: string;
  name: string;
  /** Unit price as the API shows it (20, 19.99): use `toCents` before any arithmetic. */
  price: number;
  quantity: number;
}

export interface NewProduct {
  name: string;
  price: number;
  quantity: number;
}

const inventory: Client = { service: 'Inventory', baseUrl: INVENTORY_URL, admin: true };
const path = (id: string) => `/products/${encodeURIComponent(id)}`;

export const listProducts = () => request<Product[]>(inventory, 'GET', '/products');
export const getProduct = (id: string) => request<Product>(inventory, 'GET', path(id));
export const createProduct = (product: NewProduct) => request<Product>(inventory, 'POST', '/products', product);
export const updateProduct = (id: string, patch: Partial<NewProduct>) =>
  request<Product>(inventory, 'PATCH', path(id), patch);
export const deleteProduct = (id: string) => request<void>(inventory, 'DELETE', path(id));
export const inventoryHealth = () => request<unknown>(inventory, 'GET', '/health');
