// Reservations (issue 9) in headless Chromium against the real local stack: placing an order
// reserves its stock (available drops, on hand stays) until it is paid or cancelled, and a pending
// order is cancelled from the history. The payment is slowed to PAYMENT_DELAY_MS=45 s (dev-stack's
// WORKER_VARS) so that the order stays pending while the test looks at it and cancels it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, TEST_TIMEOUT_MS } from './harness.mjs';
import { createProduct, openCheckout, openSection, screenshotPath, stackForFile, unique, withPage } from './helpers.mjs';

const app = stackForFile({ workerVars: { PAYMENT_DELAY_MS: '45000' } });

const productRow = (page, id) => page.locator(`tr[data-product-id="${id}"]`);
const orderRow = (page, id) => page.locator(`tr[data-order-id="${id}"]`);

/** The Products row's on hand and available, once they read `expected` (the table refreshes every 3 s). */
async function expectStock(page, id, expected) {
  await eventually(async () => {
    const cells = (await productRow(page, id).locator('td').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual({ onHand: cells[3], available: cells[4] }, expected);
  });
}

async function apiStock(id) {
  const { body } = await app.api('Inventory', 'GET', `/products/${id}`);
  return { quantity: body.quantity, available: body.available };
}

test('a pending order reserves its stock, and cancelling it in the history gives the stock back', { timeout: TEST_TIMEOUT_MS }, async () => {
  const product = await createProduct(app, unique('Reserved'), 20, 10);
  await withPage(app, 'reservation-available-restored', async (page) => {
    await page.goto('/products');
    await page.getByText('Available = on hand − reserved by pending orders.').waitFor();
    await expectStock(page, product.id, { onHand: '10', available: '10' });

    // Buy 3: the order is pending (the payment takes 45 s).
    await openCheckout(page, product.id, 3);
    const chosen = page.getByLabel('Product', { exact: true }).locator('option:checked');
    assert.equal(await chosen.innerText(), `${product.name} — $20.00 (10 available)`);
    await page.getByTestId('quote').waitFor();
    await page.getByRole('button', { name: 'Buy' }).click();
    await page.getByTestId('order').waitFor();
    assert.equal(await page.getByTestId('order-status').innerText(), 'Pending');

    // More than is now available is refused before anything is sent.
    await page.getByLabel('Quantity').fill('8');
    await eventually(async () => assert.equal(await page.getByTestId('stock-problem').innerText(), 'Only 7 available right now.'));
    assert.ok(await page.getByRole('button', { name: 'Buy' }).isDisabled());

    // Reserved, not taken: available drops by 3 at once, on hand stays 10.
    await openSection(page, 'Products');
    await expectStock(page, product.id, { onHand: '10', available: '7' });
    assert.deepEqual(await apiStock(product.id), { quantity: 10, available: 7 });
    await page.screenshot({ path: screenshotPath('reservation-available-reserved'), fullPage: true });

    // On hand cannot go below what pending orders hold: the API's 409, under the quantity.
    const row = productRow(page, product.id);
    await row.getByRole('button', { name: 'Edit' }).click();
    await row.getByText('3 reserved').waitFor();
    await row.getByLabel(`Quantity of ${product.name}`).fill('2');
    await row.getByRole('button', { name: 'Save' }).click();
    const refusal = row.locator('.invalid-feedback');
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), '3 units are reserved by placed orders; quantity cannot go below that');
    assert.match(await row.getByLabel(`Quantity of ${product.name}`).getAttribute('class'), /is-invalid/);
    await row.getByRole('button', { name: 'Cancel' }).click();

    // Cancel it from the history.
    const { body: orders } = await app.api('Payments', 'GET', '/orders?limit=50');
    const order = orders.find((o) => o.product_id === product.id);
    assert.equal(order?.status, 'pending');
    await openSection(page, 'Order history');
    const history = orderRow(page, order.id);
    await history.getByText('Pending', { exact: true }).waitFor();
    await history.getByRole('button', { name: 'Cancel' }).click();
    await history.getByText('Cancelled', { exact: true }).waitFor();
    assert.equal(await history.getByRole('button', { name: 'Cancel' }).count(), 0);
    assert.equal((await app.api('Payments', 'GET', `/orders/${order.id}`)).body.status, 'cancelled');
    await page.screenshot({ path: screenshotPath('reservation-cancelled'), fullPage: true });

    // The reservation is released: available is back to 10, on hand never moved.
    await openSection(page, 'Products');
    await expectStock(page, product.id, { onHand: '10', available: '10' });
    assert.deepEqual(await apiStock(product.id), { quantity: 10, available: 10 });
  });
});

test("Cancel on an order no longer pending shows the API's 409 and the order's status now", { timeout: TEST_TIMEOUT_MS }, async () => {
  const product = await createProduct(app, unique('Raced'), 5, 4);
  const placed = await app.api('Payments', 'POST', '/orders', { id: product.id, quantity: 1 });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const order = placed.body;

  await withPage(app, 'reservation-not-cancellable', async (page) => {
    await page.goto('/orders/history');
    const row = orderRow(page, order.id);
    await row.getByRole('button', { name: 'Cancel' }).waitFor();

    // Meanwhile the order stops being pending (here: cancelled elsewhere; a payment going through
    // answers the same 409). The history's timed refresh is held back, so the row still offers
    // Cancel, as it would between two refreshes; the worker and its answer are real.
    const held = [];
    const listOfOrders = (url) => url.pathname === '/orders' && url.search !== '';
    await page.route(listOfOrders, (route) => held.push(route));
    // Refreshes run one at a time: once one is held, none is in flight to show the change.
    await eventually(() => assert.ok(held.length > 0));
    assert.equal((await app.api('Payments', 'POST', `/orders/${order.id}/cancel`)).status, 200);

    await row.getByRole('button', { name: 'Cancel' }).click();
    const alert = row.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.innerText(), 'The order is cancelled; only a pending order can be cancelled');
    await row.getByText('Cancelled', { exact: true }).waitFor(); // read again by itself
    assert.equal(await row.getByRole('button', { name: 'Cancel' }).count(), 0);

    await page.unroute(listOfOrders);
    for (const route of held) await route.continue().catch(() => {});
  });
});
