// Each worker's /docs (Swagger UI on its own /openapi.json) in headless Chromium, used as a person
// would: Authorize with the admin token, Try it out, Execute, read the answer. Real stack, default
// vars (FEE_RATE 0.2), ADMIN_TOKEN set by the harness. Screenshots go to artifacts/e2e/; with
// UPDATE_SCREENSHOTS=1 the inventory's page also to docs/docs-page.png, the root README's (not on
// every run: a checked-in file that changed with each test run would always show in git status).
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ADMIN_TOKEN, ARTIFACTS, ROOT, TEST_TIMEOUT_MS } from './harness.mjs';
import { stackForFile } from './helpers.mjs';

const app = stackForFile({ site: false });

/** Opens an operation of the page (Swagger UI's deep-link id) with its request editor ready. */
async function openOperation(page, tag, operationId) {
  const operation = page.locator(`#operations-${tag}-${operationId}`);
  await operation.locator('.opblock-summary-control').click();
  // docs-ui/init.js opens "Try it out" by default (its button then reads Cancel); click it otherwise.
  const toggle = operation.getByRole('button', { name: /^(Try it out|Cancel)$/ });
  if ((await toggle.innerText()).trim() === 'Try it out') await toggle.click();
  await operation.locator('textarea.body-param__text').waitFor();
  return operation;
}

/** What Swagger UI shows of the operation's last answer: its body. */
const answer = (operation) => operation.locator('.live-responses-table .response-col_description .highlight-code').first();

/** Sends `body` with the operation's Execute; resolves to the status and JSON body Swagger UI shows. */
async function execute(operation, body) {
  await operation.locator('textarea.body-param__text').fill(JSON.stringify(body, null, 2));
  const responses = operation.locator('.live-responses-table .response');
  // "Clear" removes the last answer, which would otherwise stay on screen until the new one comes.
  const clear = operation.getByRole('button', { name: 'Clear' });
  if (await clear.isVisible()) await clear.click();
  await responses.first().waitFor({ state: 'detached' });
  await operation.getByRole('button', { name: 'Execute' }).click();
  await responses.first().waitFor();
  const status = Number((await responses.first().locator('.response-col_status').innerText()).trim());
  const shown = await answer(operation).locator('pre').innerText();
  return { status, body: JSON.parse(shown) };
}

/** A screenshot of the page from the top of `from` (or of the page) to the bottom of `to`. */
async function shot(page, path, to, from = null) {
  const box = async (locator) => {
    await locator.scrollIntoViewIfNeeded();
    const b = await locator.boundingBox();
    const scrollY = await page.evaluate(() => globalThis.scrollY);
    return { top: b.y + scrollY, bottom: b.y + b.height + scrollY };
  };
  const top = from ? (await box(from)).top - 8 : 0;
  const bottom = (await box(to)).bottom + 8;
  const width = page.viewportSize().width;
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: top, width, height: bottom - top } });
}

test("the inventory's /docs creates a product with the admin token, the payment's orders it", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { page, close } = await app.newPage({ withToken: false, viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${app.apiUrls.Inventory}/docs`);
    await page.locator('.information-container .title').filter({ hasText: 'inventory' }).waitFor();
    const widget = { name: 'Widget', price: 20, quantity: 100 };
    const create = await openOperation(page, 'products', 'createProduct');

    // Without the token the worker refuses, and the page says so.
    const refused = await execute(create, widget);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'unauthorized');

    await page.locator('.scheme-container').getByRole('button', { name: 'Authorize' }).click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').fill(ADMIN_TOKEN);
    // Its buttons read "Authorize", "Logout" and "Close" (the first two labelled for screen readers).
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await dialog.locator('button', { hasText: 'Close' }).click();

    const created = await execute(create, widget);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // A new product: nothing reserved yet, so all of it is available; its first version.
    assert.deepEqual({ ...created.body, id: undefined }, { ...widget, available: 100, etag: '"1.0"', id: undefined });
    const stored = await app.api('Inventory', 'GET', `/products/${created.body.id}`);
    assert.deepEqual(stored.body, created.body);
    // The page from its title to the 201, with the admin token applied (the locks closed).
    await shot(page, join(ARTIFACTS, 'docs-inventory.png'), answer(create));
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      copyFileSync(join(ARTIFACTS, 'docs-inventory.png'), join(ROOT, 'docs/docs-page.png'));
    }

    await page.goto(`${app.apiUrls.Payments}/docs`);
    await page.locator('.information-container .title').filter({ hasText: 'payment' }).waitFor();
    const place = await openOperation(page, 'orders', 'placeOrder');
    const order = await execute(place, { id: created.body.id, quantity: 3 });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.product_id, created.body.id);
    assert.deepEqual([order.body.price, order.body.fee, order.body.total], [20, 4, 72]); // 3 × (20 + 20%)
    await shot(page, join(ARTIFACTS, 'docs-order.png'), answer(place), place);
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'docs-failure.png'), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await close();
  }
});
