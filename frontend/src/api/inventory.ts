// The inventory-worker: products. Types from its contract, docs/openapi/inventory.json.
import { INVENTORY_URL } from './config';
import type { components } from './generated/inventory';
import { request, requestPage, type Client, type Page } from './http';

type Schemas = components['schemas'];
/** Its `price` is a decimal number (20, 19.99): use `toCents` before any arithmetic. `quantity` is
 * on hand; `available` is what can still be ordered (on hand − reserved by pending orders). */
export type Product = Schemas['Product'];
export type NewProduct = Schemas['NewProduct'];
export type ProductPatch = Schemas['ProductPatch'];
export type InventoryConfig = Schemas['InventoryConfig'];

const inventory: Client = { service: 'Inventory', baseUrl: INVENTORY_URL, admin: true };
const path = (id: string) => `/products/${encodeURIComponent(id)}`;

/** The catalogue's first page (oldest first), at most `limit` products (1 to 500). */
export const listProducts = (limit: number) => requestPage<Product>(inventory, `/products?limit=${limit}`);
/** The page a `Link` names, followed as given (the cursor in it is opaque). */
export const productsPage = (url: string): Promise<Page<Product>> => requestPage<Product>(inventory, url);
export const getProduct = (id: string) => request<Product>(inventory, 'GET', path(id));
export const createProduct = (product: NewProduct) => request<Product>(inventory, 'POST', '/products', product);
export const updateProduct = (id: string, patch: ProductPatch) =>
  request<Product>(inventory, 'PATCH', path(id), patch);
export const deleteProduct = (id: string) => request<void>(inventory, 'DELETE', path(id));
export const inventoryHealth = () => request<Schemas['Health']>(inventory, 'GET', '/health');
/** The limits it checks products against. */
export const getInventoryConfig = () => request<InventoryConfig>(inventory, 'GET', '/config');
