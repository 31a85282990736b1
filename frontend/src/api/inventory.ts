// The inventory-worker: products. Types from its contract, docs/openapi/inventory.json.
import { INVENTORY_URL } from './config';
import type { components } from './generated/inventory';
import { request, type Client } from './http';

type Schemas = components['schemas'];
/** Its `price` is a decimal number (20, 19.99): use `toCents` before any arithmetic. */
export type Product = Schemas['Product'];
export type NewProduct = Schemas['NewProduct'];
export type ProductPatch = Schemas['ProductPatch'];
export type InventoryConfig = Schemas['InventoryConfig'];

const inventory: Client = { service: 'Inventory', baseUrl: INVENTORY_URL, admin: true };
const path = (id: string) => `/products/${encodeURIComponent(id)}`;

export const listProducts = () => request<Product[]>(inventory, 'GET', '/products');
export const getProduct = (id: string) => request<Product>(inventory, 'GET', path(id));
export const createProduct = (product: NewProduct) => request<Product>(inventory, 'POST', '/products', product);
export const updateProduct = (id: string, patch: ProductPatch) =>
  request<Product>(inventory, 'PATCH', path(id), patch);
export const deleteProduct = (id: string) => request<void>(inventory, 'DELETE', path(id));
export const inventoryHealth = () => request<Schemas['Health']>(inventory, 'GET', '/health');
/** The limits it checks products against. */
export const getInventoryConfig = () => request<InventoryConfig>(inventory, 'GET', '/config');
