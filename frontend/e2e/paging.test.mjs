// Lists in pages and safe retries, in headless Chromium against the real local stack (see
// harness.mjs): 120 products (more than the Products screen's first page of 100) and *Load more*;
// a cart whose checkout's answer is lost and that is checked out again, after a reload, with the
// same Idempotency-Key, placing one order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, TEST_TIMEOUT_MS } from './harness.mjs';
import { addToCart, checkOut, createProduct, openCart, stackForFile, withPage } from './helpers.mjs';

const app = stackForFile();
const PRODUCTS = 120;

test('the products come in pages of 100; Load more shows the rest, each once', { timeout: TEST_TIMEOUT_MS }, async () => {
  // Through the API, ten at a time: the stack is fresh, so these are the whole catalogue.
  const names = Array.from({ length: PRODUCTS }, (_, i) => `Paged ${String(i + 1).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 10) {
    const answers = await Promise.all(
      names.slice(i, i + 10).map((name) => app.api('Inventory', 'POST', '/products', { name, price: 1, quantity: 5 })),
    );
    for (const a of answers) assert.equal(a.status, 201, JSON.stringify(a.body));
  }

  await withPage(app, 'paging-load-more', async (page) => {
    const pageRequests = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'fetch' && new URL(r.url()).pathname === '/products') pageRequests.push(r.url());
    });
    await page.goto('/products');
    const count = page.getByTestId('shown-count');
    await eventually(async () => assert.equal(await count.innerText(), '100 products shown; more to load'));
    assert.equal(await page.locator('tbody tr').count(), 100);
    assert.match(pageRequests[0], /\/products\?limit=100$/);

    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually(async () => assert.equal(await count.innerText(), `${PRODUCTS} products shown`));
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);
    assert.ok(pageRequests.some((u) => /cursor=/.test(u)), 'the next page was read from the Link');

    const rowNames = await page.locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.equal(new Set(rowNames).size, PRODUCTS, 'no product twice');
    assert.deepEqual([...rowNames].sort(), [...names].sort());

    // The refresh (every 3 s) keeps both pages: the rows stay after it.
    const before = pageRequests.length;
    await eventually(() => assert.ok(pageRequests.length >= before + 2));
    assert.equal(await page.locator('tbody tr').count(), PRODUCTS);

    // Refresh starts over from the first page.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await eventually(async () => assert.equal(await count.innerText(), '100 products shown; more to load'));
  });
});

test('a cart checked out again after its answer was lost places one order, with the same Idempotency-Key', { timeout: TEST_TIMEOUT_MS }, async () => {
  const product = await createProduct(app, 'Retried', 20, 50);
  const other = await createProduct(app, 'Also retried', 5, 50);
  const ordersOf = async () =>
    (await app.api('Payments', 'GET', '/orders?limit=500')).body.filter((o) => o.lines.some((l) => l.product_id === product.id));

  await withPage(app, 'checkout-retry', async (page) => {
    const keys = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'fetch' && r.method() === 'POST' && new URL(r.url()).pathname === '/orders') keys.push(r.headers()['idempotency-key']);
    });
    // The first order reaches the worker, but its answer is lost on the way back.
    let lost = 0;
    await page.route(`${app.relays.Payments.url}/orders`, async (route) => {
      if (route.request().method() === 'POST' && lost === 0) {
        lost++;
        await route.fetch();
        await route.abort('failed');
      } else {
        await route.continue();
      }
    });

    await openCart(page, [
      [product.id, 2],
      [other.id, 1],
    ]);
    await checkOut(page, { placed: false });
    await page.getByRole('alert').filter({ hasText: 'The Payments API cannot be reached' }).first().waitFor();
    assert.equal((await ordersOf()).length, 1, 'the lost try did place the order');

    // A reload (the cart and its key are kept in this browser), then Check out again: the same
    // key, the same order, shown.
    await page.reload();
    await checkOut(page);
    await page.getByTestId('order-replayed').waitFor();
    const [placed] = await ordersOf();
    assert.equal((await ordersOf()).length, 1, 'the retry placed nothing');
    assert.match(await page.getByTestId('order').innerText(), new RegExp(placed.id));
    assert.equal(keys.length, 2);
    assert.match(keys[0], /^[0-9a-f-]{36}$/);
    assert.equal(keys[1], keys[0]);

    // The cart was bought; another cart is another purchase: a new key, a second order.
    await page.getByTestId('cart-empty').waitFor();
    await addToCart(page, product.id, 1);
    await checkOut(page, { placed: false });
    await eventually(async () => assert.equal((await ordersOf()).length, 2));
    assert.equal(keys.length, 3);
    assert.notEqual(keys[2], keys[0]);
    await page.getByTestId('order-replayed').waitFor({ state: 'detached' });
  });
});
