// The dashboard's quote follows the payment-worker's FEE_RATE, read from its GET /config: a stack
// whose workers run with FEE_RATE=0.25 instead of wrangler.toml's 0.2 (see harness.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addToCart, checkOut, chooseProduct, createProduct, stackForFile, unique, withPage } from './helpers.mjs';
import { TEST_TIMEOUT_MS } from './harness.mjs';

const app = stackForFile({ workerVars: { FEE_RATE: '0.25' } });

test('at FEE_RATE 0.25 the quote and the order both charge 25%: 3 at $20 cost $75', { timeout: TEST_TIMEOUT_MS }, async () => {
  const config = await app.api('Payments', 'GET', '/config');
  assert.equal(config.body.fee_rate_basis_points, 2500, 'the stack runs with FEE_RATE=0.25');
  const product = await createProduct(app, unique('Widget'), 20, 10);

  await withPage(app, 'fee-rate-0.25', async (page) => {
    await page.goto('/orders');
    await chooseProduct(page, product.id, 3);
    const quote = page.getByTestId('quote');
    await quote.waitFor();
    assert.match(await quote.innerText(), /\$20\.00 \+ 25% fee \$5\.00/);
    assert.equal(await page.getByTestId('unit-price').innerText(), '$25.00');
    assert.equal(await page.getByTestId('total').innerText(), '$75.00');

    // The cart says the same, and what the worker then charges is what the cart said.
    await addToCart(page, product.id, 3);
    assert.match(await page.getByTestId('cart').innerText(), /\$20\.00 \+ \$5\.00 fee/);
    assert.equal(await page.getByTestId('cart-total').innerText(), '$75.00');
    await checkOut(page);
    assert.equal(await page.getByTestId('order-total').innerText(), '$75.00');
  });
});
