// Takes the README's screenshots (docs/*.png) on the real local stack: `npm run screenshots`.
// Same set-up as the e2e tests (e2e/harness.mjs): dev-stack, the built site, headless Chromium.
import { join, resolve } from 'node:path';
import { eventually, FRONTEND_DIR, startAll } from '../e2e/harness.mjs';

const DOCS = resolve(FRONTEND_DIR, 'docs');
const app = await startAll();
try {
  const create = async (name, price, quantity) =>
    (await app.api('Inventory', 'POST', '/products', { name, price, quantity })).body;
  const widget = await create('Widget', 20, 100);
  const gadget = await create('Gadget', 12.5, 40);
  const gizmo = await create('Gizmo', 19.99, 5);

  const { page, close } = await app.newPage();
  const shot = (file) => page.screenshot({ path: join(DOCS, file) });
  const status = () => page.getByTestId('order-status').innerText();
  const section = (name) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click();

  // An order refunded because its product was deleted during the payment, for the history.
  await page.goto('/orders');
  await page.getByLabel('Product', { exact: true }).selectOption(gizmo.id);
  await page.getByRole('button', { name: 'Buy' }).click();
  await page.getByTestId('order').waitFor();
  await app.api('Inventory', 'DELETE', `/products/${gizmo.id}`);
  await eventually(async () => ((await status()) === 'Refunded' ? true : Promise.reject()), { timeout: 45_000 });

  // Checkout: 3 widgets, the status followed live.
  await page.reload();
  await page.getByLabel('Product', { exact: true }).selectOption(widget.id);
  await page.getByLabel('Quantity').fill('3');
  await page.getByRole('button', { name: 'Buy' }).click();
  await page.getByTestId('order').waitFor();
  await shot('checkout-pending.png');
  await eventually(async () => ((await status()) === 'Completed' ? true : Promise.reject()), { timeout: 45_000 });
  await shot('checkout.png');

  // A cancelled order and a pending one (with its Cancel) for the history, through the API.
  const order = async (product, quantity) =>
    (await app.api('Payments', 'POST', '/orders', { id: product.id, quantity })).body;
  await app.api('Payments', 'POST', `/orders/${(await order(gadget, 2)).id}/cancel`);
  await order(gadget, 1);

  // The back office's list: all four; the customer's: the two placed in this browser.
  await section('All orders');
  await page.locator('tbody tr').nth(3).waitFor();
  await shot('all-orders.png');
  await section('My orders');
  await page.locator('tbody tr').nth(1).getByText('Refunded', { exact: true }).waitFor();
  await shot('my-orders.png');

  await section('Products');
  await eventually(async () => ((await page.getByText('97').count()) > 0 ? true : Promise.reject()), { timeout: 30_000 });
  await shot('products.png');

  await page.getByRole('link', { name: 'Add product' }).click();
  await page.getByLabel('Name').fill('Sprocket');
  await page.getByLabel('Price ($)').fill('4.999');
  await page.getByLabel('Quantity').fill('250');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Price must have at most 2 decimals').waitFor();
  await shot('create.png');
  await close();
  console.log(`screenshots saved in ${DOCS}`);
} finally {
  await app.stop();
}
