// The inventory-worker: products. Types and paths from its contract, docs/openapi/inventory.json.
import { INVENTORY_URL } from './config';
import type { Adjustment, LedgerEntry, NewProduct, paths, Product, ProductPatch } from './generated/inventory';
import { atUrl, byId, ok, workerApi, type Page } from './client';

/** `Product`'s `price` is a decimal number (20, 19.99): use `toCents` before any arithmetic. Its
 * `quantity` is on hand; `available` is what can still be ordered (on hand − reserved by pending
 * orders). An `Adjustment`, `{"delta", "reason", "note"?}`, adds units to (or removes them from)
 * whatever is on hand, atomically. A `LedgerEntry` is one change of on hand: `at`, the signed
 * `change`, `quantity_after`, `reason` and its details. */
export type { Adjustment, AdjustmentReason, InventoryConfig, LedgerEntry, NewProduct, Product, ProductPatch } from './generated/inventory';

/** Reads (`inventory`): never the admin token. Changes (`inventoryAdmin`) are the shop's: the
 * admin token when one is set. */
const { open: inventory, admin: inventoryAdmin, page } = workerApi<paths>('Inventory', INVENTORY_URL);

/** The catalogue's first page (oldest first), at most `limit` products (1 to 500). */
export const listProducts = (limit: number): Promise<Page<Product>> =>
  page(inventory.GET('/products', { params: { query: { limit } } }));
/** The page a `Link` names, followed as given (the cursor in it is opaque). */
export const productsPage = (url: string): Promise<Page<Product>> => page(inventory.GET('/products', atUrl(url)));
export const getProduct = (id: string) => ok(inventory.GET('/products/{id}', byId(id)));
export const createProduct = (product: NewProduct) => ok(inventoryAdmin.POST('/products', { body: product }));
/** `ifMatch`: the product's `etag` as last read; the change is then made only if nobody changed the
 * product since (else 412 `precondition_failed`). Every PATCH that sets `quantity` sends it. */
export const updateProduct = (id: string, patch: ProductPatch, ifMatch?: string) =>
  ok(inventoryAdmin.PATCH('/products/{id}', { params: { path: { id }, header: ifMatch ? { 'If-Match': ifMatch } : {} }, body: patch }));
/** Adds `delta` to on hand (sent without `If-Match`: a delta commutes with every other change,
 * which the worker applies in the same script, so none is lost): the product as it is now. */
export const adjustProduct = (id: string, adjustment: Adjustment) =>
  ok(inventoryAdmin.POST('/products/{id}/adjustments', { ...byId(id), body: adjustment }));
/** The newest `limit` entries of a product's ledger (admin). */
export const listLedger = (id: string, limit: number): Promise<Page<LedgerEntry>> =>
  page(inventoryAdmin.GET('/products/{id}/ledger', { params: { path: { id }, query: { limit } } }));
/** The ledger's page a `Link` names. */
export const ledgerPage = (id: string, url: string): Promise<Page<LedgerEntry>> =>
  page(inventoryAdmin.GET('/products/{id}/ledger', { ...byId(id), ...atUrl(url) }));
export const deleteProduct = (id: string) => ok(inventoryAdmin.DELETE('/products/{id}', byId(id)));
export const inventoryHealth = () => ok(inventory.GET('/health'));
/** The limits it checks products against. */
export const getInventoryConfig = () => ok(inventory.GET('/config'));
