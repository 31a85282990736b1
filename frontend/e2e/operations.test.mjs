// The operator's screens in headless Chromium against the real local stack (see harness.mjs), one
// stack for the file, with RECLAIM_IDLE_MS=0 (each consumer run redelivers what is still pending,
// so a poison event dies after five runs) and PAYMENT_DELAY_MS=3000:
// - a poison event (a paid order whose line lost its quantity, damaged in Redis behind the
//   workers' back) dead-lettered, seen on the Operations page with its stats and the audit naming
//   its product; the order fixed in Redis, *Replay* applies it once (on hand 20 → 17), the audit ok;
// - `reserved` corrupted by a direct write: *Run audit* names the product, *Repair reserved*
//   rewrites it (4 → 0) and the audit is ok again;
// - *Restock* +20 sent while an order takes 3 units the page has not seen yet: on hand ends at
//   exactly 10 − 3 + 20 = 27, and the page says that the count moved while the person edited; the
//   product's *Ledger* shows the three changes, newest first.
// Each test saves a screenshot to artifacts/e2e/<test>.png, pass or fail; with UPDATE_SCREENSHOTS=1
// the Operations page with its dead letter also goes to docs/operations.png, frontend/README.md's.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { eventually, FRONTEND_DIR, TEST_TIMEOUT_MS } from './harness.mjs';
import * as helpers from './helpers.mjs';
import { stackForFile, unique } from './helpers.mjs';

const app = stackForFile({ workerVars: { RECLAIM_IDLE_MS: '0', PAYMENT_DELAY_MS: '3000' } });
const withPage = (t, body, options) => helpers.withPage(app, t.name, body, options);
const createProduct = (name, price, quantity) => helpers.createProduct(app, name, price, quantity);
const text = async (locator) => (await locator.innerText()).trim();
/** The whole Operations page in the window: a full-page screenshot of a taller page repeats the
 * sticky top bar where it was scrolled to. */
const TALL = { viewport: { width: 1280, height: 1400 } };

/** The Redis keys of the default `KEY_PREFIX` (store/src/schema.rs owns them). */
const orderKey = (id) => `shop:order:${id}`;
const RESERVED = 'shop:reserved';
const LINE_1_QUANTITY = 'line:1:quantity';

async function onHand(id) {
  const { status, body } = await app.api('Inventory', 'GET', `/products/${id}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.quantity;
}

async function placeOrder(productId, quantity) {
  const { status, body } = await app.api('Payments', 'POST', '/orders', { lines: [{ product_id: productId, quantity }] });
  assert.equal(status, 201, JSON.stringify(body));
  return body;
}

async function auditIsOk() {
  const { body } = await app.api('Operations', 'GET', '/audit');
  assert.equal(body.ok, true, JSON.stringify(body.problems));
}

/** Runs the audit from the page: its result, to wait on for what it should say. */
async function runAudit(page) {
  await page.getByRole('button', { name: 'Run audit' }).click();
  return page.getByTestId('audit-result');
}

describe('operations', () => {
  test('a poison event is dead-lettered, shown, fixed and replayed: applied once, the books ok', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const product = await createProduct(unique('Poisoned'), 10, 20);
    const order = await placeOrder(product.id, 3);
    // Before its payment completes (3 s): the order's line loses its quantity, so the consumer
    // cannot take its stock, and holds the event until its fifth delivery.
    await app.redis(['HDEL', orderKey(order.id), LINE_1_QUANTITY]);
    await eventually(
      async () => {
        await app.runConsumer();
        const { body } = await app.api('Operations', 'GET', '/dead-letters/order_completed');
        assert.ok(body.some((l) => l.fields.pk === order.id), JSON.stringify(body));
      },
      { interval: 500 },
    );

    await withPage(t, async (page) => {
      await page.goto('/products');
      await helpers.openSection(page, 'Operations');
      const letters = page.getByTestId('dead-letters-order_completed');
      const row = letters.locator('tbody tr').filter({ hasText: order.id });
      await row.waitFor();
      assert.match(await text(row), /damaged_order/);
      assert.match(await text(row.locator('td').nth(2)), /^5$/);
      const stats = page.getByTestId('stream-stats').locator('tr[data-stream="order_completed"] td');
      await eventually(async () => assert.equal(await text(stats.nth(3)), '1'));

      // Its units are still reserved, and the damaged order no longer says for which line.
      const before = await runAudit(page);
      const problem = before.locator('tr[data-kind="reserved_mismatch"]').filter({ hasText: product.id });
      await problem.waitFor();
      await page.screenshot({ path: helpers.screenshotPath('operations-dead-letter'), fullPage: true });
      if (process.env.UPDATE_SCREENSHOTS === '1') {
        copyFileSync(helpers.screenshotPath('operations-dead-letter'), join(FRONTEND_DIR, 'docs/operations.png'));
      }

      // The cause fixed, the replay applies it once: the consumer run's report says so.
      await app.redis(['HSET', orderKey(order.id), LINE_1_QUANTITY, '3']);
      await row.getByRole('button', { name: 'Replay' }).click();
      const report = letters.getByTestId('dead-letter-report');
      await report.waitFor();
      assert.match(await text(report), /^Replayed 1 dead letter; 0 left\. The consumer run that followed: 1 applied/);
      await row.waitFor({ state: 'detached' });
      assert.equal(await onHand(product.id), 17);
      await eventually(async () => assert.equal(await text(stats.nth(3)), '0'));

      const after = await runAudit(page);
      await eventually(async () => assert.match(await text(after), /^The books balance\./));
    }, TALL);
    await auditIsOk();
  });

  test('a corrupted reserved count is named by the audit and repaired', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const product = await createProduct(unique('Miscounted'), 5, 5);
    await app.redis(['HSET', RESERVED, product.id, '4']);
    await withPage(t, async (page) => {
      await page.goto('/operations');
      const result = await runAudit(page);
      const problem = result.locator('tr[data-kind="reserved_mismatch"]');
      await problem.waitFor();
      assert.deepEqual(
        (await problem.locator('td').allInnerTexts()).map((s) => s.trim()).slice(1),
        [product.id, '', '0', '4'],
        'kind, product, no order, expected 0, found 4',
      );
      assert.equal(await result.locator('tbody tr').count(), 1, 'only that problem');

      await page.getByRole('button', { name: 'Repair reserved' }).click();
      const repair = page.getByTestId('repair-result');
      await repair.waitFor();
      assert.match(await text(repair), new RegExp(`${product.id}: 4 → 0`));
      // The audit runs again after the repair.
      await eventually(async () => assert.match(await text(page.getByTestId('audit-result')), /^The books balance\./));
    });
    const { body } = await app.api('Inventory', 'GET', `/products/${product.id}`);
    assert.equal(body.available, 5);
    await auditIsOk();
  });

  test('a restock while an order takes units ends at the exact count; the ledger shows each change', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const product = await createProduct(unique('Restocked'), 2, 10);
    await withPage(t, async (page) => {
      await page.goto('/products');
      const row = page.locator(`tbody tr[data-product-id="${product.id}"]`);
      await eventually(async () => assert.equal(await text(row.locator('td').nth(3)), '10'));
      await row.getByRole('button', { name: `Restock ${product.name}` }).click();
      const dialog = page.getByRole('dialog', { name: `Restock “${product.name}”` });
      await dialog.getByLabel('Units to add (negative to remove)').fill('20');
      assert.match(await text(dialog.getByTestId('on-hand-now')), /^On hand now: 10\b/);

      // Meanwhile an order takes 3 units. The page's catalogue reads are held back, so it still
      // shows 10 (as between two refreshes) when the restock is sent.
      const held = [];
      const inventory = new URL(app.relays.Inventory.url);
      const listReads = (url) => url.host === inventory.host && url.pathname === '/products';
      await page.route(listReads, (route) => held.push(route));
      await placeOrder(product.id, 3);
      await eventually(async () => assert.equal(await onHand(product.id), 7));

      await dialog.getByRole('button', { name: 'Add to stock' }).click();
      const notice = page.getByTestId('stock-notice');
      await notice.waitFor();
      assert.equal(
        await text(notice),
        `${product.name}: +20 units; on hand is now 27. The stock changed while you edited: on hand was 7 when the change ` +
          'was made, not the 10 shown, so it was added to 7; nothing was lost.',
      );
      assert.equal(await onHand(product.id), 27);
      await page.unroute(listReads);
      for (const route of held) await route.continue().catch(() => {});
      await eventually(async () => assert.equal(await text(row.locator('td').nth(3)), '27'));

      await row.getByRole('button', { name: `Ledger of ${product.name}` }).click();
      const ledger = page.getByRole('dialog', { name: `Ledger of “${product.name}”` });
      const entries = ledger.locator('tbody tr');
      await eventually(async () => assert.equal(await entries.count(), 3));
      const cells = async (i) => (await entries.nth(i).locator('td').allInnerTexts()).map((s) => s.trim()).slice(1);
      assert.deepEqual(await cells(0), ['+20', '27', 'Adjustment: restock', '', '']);
      const sale = await cells(1);
      assert.deepEqual(sale.slice(0, 3), ['−3', '7', 'Order']);
      assert.match(sale[4], /^[0-9A-Z]{26}$/, 'the order that took the units');
      assert.deepEqual(await cells(2), ['+10', '10', 'Created', '', '']);
    });
    await auditIsOk();
  });
});
