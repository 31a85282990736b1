// What the browser test files share on top of harness.mjs: one stack per file, a page whose
// screenshot is saved whatever happens, and set-up through the real API.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { ARTIFACTS, CEILING_MS, eventually, STACK_START_TIMEOUT_MS, startAll } from './harness.mjs';

/**
 * Starts the stack (harness.mjs's `startAll(options)`) before the file's tests and stops it after
 * them. Returns the app, filled in once started: call it from tests and hooks only.
 */
export function stackForFile(options) {
  const app = {};
  before(async () => {
    Object.assign(app, await startAll(options));
  }, { timeout: STACK_START_TIMEOUT_MS });
  after(async () => {
    await app.stop?.();
  }, { timeout: CEILING_MS });
  return app;
}

/** A name no other test run has used (the stack is shared by a file's tests). */
export const unique = (name) => `${name} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const slug = (name) => name.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '');

/** Where a screenshot named `name` goes: artifacts/e2e/<name as a slug>.png. */
export const screenshotPath = (name) => join(ARTIFACTS, `${slug(name)}.png`);

/** Runs `body` with a fresh page (options: harness's `newPage`); saves its screenshot as `name`
 * whatever happens, so a failure can be seen. */
export async function withPage(app, name, body, options) {
  const { page, close } = await app.newPage(options);
  try {
    await body(page);
  } finally {
    await page.screenshot({ path: screenshotPath(name), fullPage: true }).catch(() => {});
    await close();
  }
}

/** Creates a product through the inventory's API (with the admin token). */
export async function createProduct(app, name, price, quantity) {
  const { status, body } = await app.api('Inventory', 'POST', '/products', { name, price, quantity });
  assert.equal(status, 201, JSON.stringify(body));
  return body;
}

/** A screen of the dashboard, by its link in the sidebar. */
export async function openSection(page, name) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();
}

/** In the open checkout: chooses `quantity` of a product in the picker (its quote then shows). */
export async function chooseProduct(page, productId, quantity) {
  await page.getByLabel('Product', { exact: true }).selectOption(productId);
  await page.getByLabel('Quantity', { exact: true }).fill(String(quantity));
}

/** In the open checkout: adds `quantity` of a product to the cart with the picker. */
export async function addToCart(page, productId, quantity) {
  await chooseProduct(page, productId, quantity);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByTestId('added').waitFor(); // reset by any change, so this is the new one
}

/** Opens the checkout with a cart of `lines` ([productId, quantity] pairs), added in that order. */
export async function openCart(page, lines) {
  await page.goto('/orders');
  for (const [productId, quantity] of lines) await addToCart(page, productId, quantity);
}

/** Presses Check out once the cart can be checked out; `placed`: then waits for the order's card. */
export async function checkOut(page, { placed = true } = {}) {
  const button = page.getByRole('button', { name: 'Check out' });
  await eventually(async () => assert.ok(await button.isEnabled(), 'Check out is enabled'));
  await button.click();
  if (placed) await page.getByTestId('order').waitFor();
}

/** A cart line (the checkout's table), by product id. */
export const cartLine = (page, productId) => page.getByTestId('cart').locator(`tr[data-product-id="${productId}"]`);
