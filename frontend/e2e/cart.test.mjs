// The checkout as a cart (issue 16), in headless Chromium against the real local stack (see
// harness.mjs): a pasted id is priced with the fee; a cart of two products, kept across a reload,
// is checked out as one order, followed to completed, and the stock of both is taken; a cart with
// a line that became short is refused whole, the line says so and nothing is reserved; a cart
// whose product is deleted before the payment goes through is refunded whole; All orders asks for
// the admin token and then shows each order's lines. Screenshots in artifacts/e2e/<test>.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, TEST_TIMEOUT_MS } from './harness.mjs';
import * as helpers from './helpers.mjs';
import { cartLine, checkOut, openCart, openSection, stackForFile, unique } from './helpers.mjs';

const app = stackForFile();
/** A fresh page for test `t`; its screenshot is `<test name>.png`. */
const withPage = (t, body, options) => helpers.withPage(app, t.name, body, options);
const createProduct = (name, price, quantity) => helpers.createProduct(app, name, price, quantity);
/** Creates a product for each `[name, price, quantity]`, one after the other, each under a unique name. */
async function createProducts(...specs) {
  const products = [];
  for (const [name, price, quantity] of specs) products.push(await createProduct(unique(name), price, quantity));
  return products;
}
/** Opens the checkout with a cart of `lines` ([product, quantity] pairs), added in that order. */
const openCartOf = (page, ...lines) => openCart(page, lines.map(([product, quantity]) => [product.id, quantity]));
const text = (locator) => locator.innerText().then((s) => s.trim());

async function stock(id) {
  const { body } = await app.api('Inventory', 'GET', `/products/${id}`);
  return { quantity: body.quantity, available: body.available };
}
/** The shop's orders that hold any of `products` (the API's list, with the admin token). */
async function ordersOf(...products) {
  const ids = new Set(products.map((p) => p.id));
  const { body } = await app.api('Payments', 'GET', '/orders?limit=500');
  return body.filter((o) => o.lines.some((l) => ids.has(l.product_id)));
}

test('a pasted product id shows the price with the fee, an unknown one says so', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const product = await createProduct(unique('Pasted'), 19.99, 4);
  await withPage(t, async (page) => {
    await page.goto('/orders');
    const id = page.getByLabel('…or paste a product id');
    await id.fill('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
    await page.getByText('No product with this id.').waitFor();
    assert.equal(await page.getByTestId('quote').count(), 0);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByTestId('cart-empty').waitFor();

    await id.fill(product.id.toLowerCase());
    await page.getByTestId('quote').waitFor();
    assert.equal(await page.getByLabel('Product', { exact: true }).inputValue(), product.id);
    assert.equal(await text(page.getByTestId('unit-price')), '$23.99'); // 19.99 + 4.00 (399.8 rounded)
    await page.getByLabel('Quantity', { exact: true }).fill('2');
    await eventually(async () => assert.equal(await text(page.getByTestId('total')), '$47.98'));
    assert.match(await text(page.getByTestId('quote')), /\$19\.99 \+ 20% fee \$4\.00/);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await eventually(async () => assert.equal(await text(page.getByTestId('cart-total')), '$47.98'));
  });
});

test('a cart of two products is checked out as one order, followed to completed, and the stock of both is taken', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const [widget, gadget] = await createProducts(['Widget', 20, 10], ['Gadget', 12.5, 40]);
  await withPage(t, async (page) => {
    // Widget twice: one line of 3.
    await openCartOf(page, [widget, 2], [gadget, 1], [widget, 1]);
    const widgetLine = cartLine(page, widget.id);
    const gadgetLine = cartLine(page, gadget.id);
    await eventually(async () => assert.equal(await text(page.getByTestId('cart-total')), '$87.00'));
    assert.equal(await page.getByTestId('cart').locator('tbody tr').count(), 2);
    assert.equal(await widgetLine.getByLabel(`Quantity of ${widget.name}`).inputValue(), '3');
    assert.match(await text(widgetLine), /\$24\.00\s+\$20\.00 \+ \$4\.00 fee/);
    assert.equal(await text(widgetLine.getByTestId('line-total')), '$72.00');
    assert.equal(await text(gadgetLine.getByTestId('line-total')), '$15.00');

    // A line changed in place; the cart outlives a reload.
    await gadgetLine.getByLabel(`Quantity of ${gadget.name}`).fill('2');
    await eventually(async () => assert.equal(await text(page.getByTestId('cart-total')), '$102.00'));
    await page.reload();
    await eventually(async () => assert.equal(await text(page.getByTestId('cart-total')), '$102.00'));
    assert.equal(await gadgetLine.getByLabel(`Quantity of ${gadget.name}`).inputValue(), '2');

    await checkOut(page);
    const order = page.getByTestId('order');
    assert.equal(await text(page.getByTestId('order-status')), 'Pending');
    assert.equal(await text(page.getByTestId('order-total')), '$102.00');
    assert.deepEqual(
      await order.getByTestId('order-lines').locator('tbody tr td:first-child').allInnerTexts(),
      [widget.name, gadget.name],
    );
    await page.getByTestId('cart-empty').waitFor();

    // Without a reload: the payment goes through about 5 s later.
    await eventually(async () => assert.equal(await text(page.getByTestId('order-status')), 'Completed'));
    assert.equal(await text(page.getByTestId('order-message')), 'Payment received: thank you for your order!');

    // One order of both, and the consumer takes the stock of both.
    const [placed, ...others] = await ordersOf(widget, gadget);
    assert.equal(others.length, 0, 'one order');
    assert.deepEqual(
      placed.lines.map((l) => [l.product_id, l.quantity, l.total]),
      [
        [widget.id, 3, 72],
        [gadget.id, 2, 30],
      ],
    );
    await eventually(async () => {
      assert.deepEqual(await stock(widget.id), { quantity: 7, available: 7 });
      assert.deepEqual(await stock(gadget.id), { quantity: 38, available: 38 });
    });
    await openSection(page, 'Products');
    for (const [product, left] of [
      [widget, '7'],
      [gadget, '38'],
    ]) {
      await eventually(async () => {
        const cells = await page.locator(`tr[data-product-id="${product.id}"] td`).allInnerTexts();
        assert.deepEqual([cells[3], cells[4]].map((s) => s.trim()), [left, left]);
      });
    }

    // The customer's own list and the back office's both show it, with its lines.
    for (const section of ['My orders', 'All orders']) {
      await openSection(page, section);
      const row = page.locator(`tr[data-order-id="${placed.id}"]`);
      await eventually(async () => {
        const shown = await text(row.locator('summary'));
        assert.equal(shown, `${widget.name} × 3, ${gadget.name} × 2`);
        assert.match(await text(row), /Completed/);
        assert.match(await text(row), /\$102\.00/);
      });
    }
  });
});

test('a cart with a line that became short is refused whole: the line says so and nothing is reserved', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const [plenty, scarce] = await createProducts(['Plenty', 3, 10], ['Scarce', 7, 5]);
  await withPage(t, async (page) => {
    await openCartOf(page, [plenty, 2], [scarce, 3]);
    await eventually(async () => assert.equal(await text(page.getByTestId('cart-total')), '$32.40'));

    // Meanwhile the shop takes 4 of the scarce one away. The checkout's own reads of the catalogue
    // are held back, so that it still believes 5 are available (as between two refreshes) and
    // sends the cart: the worker's refusal is real.
    const held = [];
    const inventory = new URL(app.relays.Inventory.url);
    const productReads = (url) => url.host === inventory.host && url.pathname.startsWith('/products');
    await page.route(productReads, (route) => held.push(route));
    assert.equal((await app.api('Inventory', 'PATCH', `/products/${scarce.id}`, { quantity: 1 })).status, 200);

    await checkOut(page, { placed: false });
    const problem = cartLine(page, scarce.id).getByTestId('line-problem');
    await problem.waitFor();
    assert.equal(await text(problem), 'Only 1 available right now.');
    assert.equal(await cartLine(page, plenty.id).getByTestId('line-problem').count(), 0);
    assert.match(await text(page.getByTestId('checkout-error')), /^Nothing was ordered/);
    assert.ok(await page.getByRole('button', { name: 'Check out' }).isDisabled());
    assert.equal(await page.getByTestId('order').count(), 0);

    // All or nothing: not even the line that fitted is reserved, and no order exists.
    assert.deepEqual(await stock(plenty.id), { quantity: 10, available: 10 });
    assert.deepEqual(await stock(scarce.id), { quantity: 1, available: 1 });
    assert.deepEqual(await ordersOf(plenty, scarce), []);
    await page.screenshot({ path: helpers.screenshotPath('cart-refused-short-line'), fullPage: true });

    // The catalogue is read again; the line lowered to what is left, the cart goes through.
    await page.unroute(productReads);
    for (const route of held) await route.continue().catch(() => {});
    await cartLine(page, scarce.id).getByLabel(`Quantity of ${scarce.name}`).fill('1');
    await checkOut(page);
    assert.equal(await text(page.getByTestId('order-total')), '$15.60');
    assert.deepEqual(await stock(scarce.id), { quantity: 1, available: 0 });
  });
});

test('a cart whose product is deleted before the payment goes through is refunded whole, nothing taken', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const [kept, vanishing] = await createProducts(['Kept', 5, 10], ['Vanishing', 8, 10]);
  await withPage(t, async (page) => {
    await openCartOf(page, [kept, 2], [vanishing, 1]);
    await checkOut(page);
    assert.equal(await text(page.getByTestId('order-status')), 'Pending');
    assert.deepEqual(await stock(kept.id), { quantity: 10, available: 8 });

    // The shop deletes one of the products while the payment is still going through.
    assert.equal((await app.api('Inventory', 'DELETE', `/products/${vanishing.id}`)).status, 204);

    await eventually(async () => assert.equal(await text(page.getByTestId('order-status')), 'Refunded'));
    assert.equal(
      await text(page.getByTestId('order-message')),
      'Refunded: one of its products was deleted before it could be delivered, so the whole order was refunded and nothing was taken.',
    );
    // The order keeps the deleted product's name and price.
    assert.match(await text(page.getByTestId('order-lines')), new RegExp(`${vanishing.name}\\s+\\$9\\.60`));
    // The other line's reservation is released and nothing of it taken.
    await eventually(async () => assert.deepEqual(await stock(kept.id), { quantity: 10, available: 10 }));

    const [refunded] = await ordersOf(kept);
    assert.equal(refunded.refund_reason, 'product_deleted');
    await openSection(page, 'My orders');
    const row = page.locator(`tr[data-order-id="${refunded.id}"]`);
    await eventually(async () => {
      assert.match(await text(row), /Refunded/);
      assert.match(await text(row), /One of its products was deleted before it could be delivered/);
      assert.equal(await text(row.locator('summary')), `${kept.name} × 2, ${vanishing.name} × 1`);
    });
  });
});

test('All orders asks for the admin token, then lists the orders with their lines', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const [a, b] = await createProducts(['Bolt', 1.5, 100], ['Nut', 0.25, 100]);
  const placed = await app.api('Payments', 'POST', '/orders', {
    lines: [
      { product_id: a.id, quantity: 4 },
      { product_id: b.id, quantity: 10 },
    ],
  });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  // Without the token the list is refused: the screen has to ask for it.
  const refused = await fetch(`${app.apiUrls.Payments}/orders`);
  assert.equal(refused.status, 401);

  await withPage(
    t,
    async (page) => {
      await page.goto('/orders/all');
      const dialog = page.getByRole('dialog', { name: 'Admin token needed' });
      await dialog.waitFor();
      assert.equal(await page.locator('tr[data-order-id]').count(), 0);
      await dialog.getByLabel('Admin token').fill('not-the-token');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByText('That token was not accepted').waitFor();
      await dialog.getByLabel('Admin token').fill('e2e-admin-token');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.waitFor({ state: 'detached' });

      const row = page.locator(`tr[data-order-id="${placed.body.id}"]`);
      await row.waitFor();
      assert.equal(await text(row.locator('summary')), `${a.name} × 4, ${b.name} × 10`);
      await row.locator('summary').click();
      const lines = row.getByTestId('order-lines');
      await lines.waitFor({ state: 'visible' });
      assert.deepEqual(
        (await lines.locator('tbody tr').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()),
        [`${a.name} $1.80 $1.50 + $0.30 fee 4 $7.20`, `${b.name} $0.30 $0.25 + $0.05 fee 10 $3.00`],
      );
      assert.equal(await text(lines.getByTestId('order-total')), '$10.20');
    },
    { withToken: false },
  );
});
