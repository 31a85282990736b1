// Reservations (issues 9 and 16) in headless Chromium against the real local stack: checking out
// a cart reserves the stock of every line (available drops, on hand stays) until it is paid or
// cancelled; the customer finds the pending cart in My orders with its lines (remembered by this
// browser only, across a reload) and cancels it there, which releases every line; All orders (the
// back office's) shows the API's 409 for an order that stopped being pending. The payment is slowed to PAYMENT_DELAY_MS=45 s (dev-stack's WORKER_VARS) so that
// the order stays pending while the test looks at it and cancels it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, TEST_TIMEOUT_MS } from './harness.mjs';
import { checkOut, chooseProduct, createProduct, openCart, openSection, screenshotPath, stackForFile, unique, withPage } from './helpers.mjs';

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

test('a pending cart reserves the stock of its lines, and cancelling it in My orders gives it all back', { timeout: TEST_TIMEOUT_MS }, async () => {
  const product = await createProduct(app, unique('Reserved'), 20, 10);
  const second = await createProduct(app, unique('Also reserved'), 4, 5);
  await withPage(app, 'reservation-available-restored', async (page) => {
    await page.goto('/products');
    await page.getByText('Available = on hand − reserved by pending orders.').waitFor();
    await expectStock(page, product.id, { onHand: '10', available: '10' });

    // A cart of 3 and 2: the order is pending (the payment takes 45 s).
    await page.goto('/orders');
    await chooseProduct(page, product.id, 3);
    const chosen = page.getByLabel('Product', { exact: true }).locator('option:checked');
    assert.equal(await chosen.innerText(), `${product.name} — $20.00 (10 available)`);
    await openCart(page, [
      [product.id, 3],
      [second.id, 2],
    ]);
    await checkOut(page);
    assert.equal(await page.getByTestId('order-status').innerText(), 'Pending');

    // More than is now available is refused before anything is added or sent.
    await chooseProduct(page, product.id, 8);
    await eventually(async () => assert.equal(await page.getByTestId('stock-problem').innerText(), 'Only 7 available right now.'));
    assert.ok(await page.getByRole('button', { name: 'Add to cart' }).isDisabled());

    // Reserved, not taken: available drops at once for both lines, on hand stays.
    await openSection(page, 'Products');
    await expectStock(page, product.id, { onHand: '10', available: '7' });
    await expectStock(page, second.id, { onHand: '5', available: '3' });
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

    // The customer finds the cart in My orders, which this browser remembers across a reload, with
    // its lines, and cancels it there.
    const { body: orders } = await app.api('Payments', 'GET', '/orders?limit=50');
    const order = orders.find((o) => o.lines.some((l) => l.product_id === product.id));
    assert.equal(order?.status, 'pending');
    await openSection(page, 'My orders');
    await page.reload();
    const mine = orderRow(page, order.id);
    await mine.getByText('Pending', { exact: true }).waitFor();
    assert.equal(await mine.locator('summary').innerText(), `${product.name} × 3, ${second.name} × 2`);
    await mine.locator('summary').click();
    assert.match(await mine.getByTestId('order-total').innerText(), /^\$81\.60$/); // 3 × $24.00 + 2 × $4.80
    await mine.getByRole('button', { name: 'Cancel' }).click();
    await mine.getByText('Cancelled', { exact: true }).waitFor();
    assert.equal(await mine.getByRole('button', { name: 'Cancel' }).count(), 0);
    assert.equal((await app.api('Payments', 'GET', `/orders/${order.id}`)).body.status, 'cancelled');
    await page.screenshot({ path: screenshotPath('reservation-cancelled'), fullPage: true });

    // Every line's reservation is released: available is back, on hand never moved.
    await openSection(page, 'Products');
    await expectStock(page, product.id, { onHand: '10', available: '10' });
    await expectStock(page, second.id, { onHand: '5', available: '5' });
    assert.deepEqual(await apiStock(product.id), { quantity: 10, available: 10 });
    assert.deepEqual(await apiStock(second.id), { quantity: 5, available: 5 });
  });

  // Another browser (a fresh context: its own localStorage) has placed nothing.
  await withPage(app, 'my-orders-other-browser', async (page) => {
    await page.goto('/orders/mine');
    await page.getByText('No orders placed in this browser yet.').waitFor();
    assert.equal(await page.locator('tbody tr').count(), 0);
  });
});

test("Cancel in All orders on an order no longer pending shows the API's 409 and the order's status now", { timeout: TEST_TIMEOUT_MS }, async () => {
  const product = await createProduct(app, unique('Raced'), 5, 4);
  const placed = await app.api('Payments', 'POST', '/orders', { id: product.id, quantity: 1 });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const order = placed.body;

  await withPage(app, 'reservation-not-cancellable', async (page) => {
    await page.goto('/orders/all');
    const row = orderRow(page, order.id);
    await row.getByRole('button', { name: 'Cancel' }).waitFor();

    // Meanwhile the order stops being pending (here: cancelled elsewhere; a payment going through
    // answers the same 409). The list's timed refresh is held back, so the row still offers
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
