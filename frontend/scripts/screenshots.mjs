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
  const add = async (product, quantity) => {
    await page.getByLabel('Product', { exact: true }).selectOption(product.id);
    await page.getByLabel('Quantity', { exact: true }).fill(String(quantity));
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByTestId('added').waitFor();
  };
  const checkOut = async () => {
    await page.getByRole('button', { name: 'Check out' }).click();
    await page.getByTestId('order').waitFor();
  };

  // A cart refunded because one of its products was deleted during the payment, for the lists.
  await page.goto('/orders');
  await add(gizmo, 1);
  await add(widget, 1);
  await checkOut();
  await app.api('Inventory', 'DELETE', `/products/${gizmo.id}`);
  await eventually(async () => ((await status()) === 'Refunded' ? true : Promise.reject()), { timeout: 45_000 });

  // Checkout: a cart of 3 widgets and 2 gadgets (a gadget chosen again, its quote shown), then
  // checked out and its status followed live.
  await page.reload();
  await add(widget, 3);
  await add(gadget, 2);
  await page.getByLabel('Product', { exact: true }).selectOption(gadget.id);
  await page.getByTestId('quote').waitFor();
  await shot('cart.png');
  await page.getByLabel('Product', { exact: true }).selectOption('');
  await checkOut();
  await shot('checkout-pending.png');
  await eventually(async () => ((await status()) === 'Completed' ? true : Promise.reject()), { timeout: 45_000 });
  await shot('checkout.png');

  // A cancelled order and a pending one (with its Cancel) for the back office's list, through the API.
  const order = async (...lines) =>
    (await app.api('Payments', 'POST', '/orders', { lines: lines.map(([p, quantity]) => ({ product_id: p.id, quantity })) })).body;
  await app.api('Payments', 'POST', `/orders/${(await order([gadget, 2])).id}/cancel`);
  await order([gadget, 1], [widget, 2]);

  // The back office's list: all four, the newest (a cart) with its lines shown; the customer's:
  // the two placed in this browser.
  await section('All orders');
  await page.locator('tbody tr[data-order-id]').nth(3).waitFor();
  await page.locator('tbody tr[data-order-id]').first().locator('summary').click();
  await shot('all-orders.png');
  await section('My orders');
  await page.locator('tbody tr[data-order-id]').nth(1).getByText('Refunded', { exact: true }).waitFor();
  await page.locator('tbody tr[data-order-id]').first().locator('summary').click();
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
