// @vitest-environment jsdom
// The products table: in pages (Load more follows the Link, rows shown once; the timed refresh
// reads every loaded page again and keeps them; Refresh starts over), stock on hand and available,
// and the API's 409 quantity_below_reserved under the quantity being edited. Stock changes: Restock
// sends an adjustment (a delta, never the count) and says when on hand moved meanwhile; a quantity
// set goes with If-Match, retried once on 412 when only reservations moved, else the new count is
// shown and the person asked again; price alone goes without; a product's ledger, newest first.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, LIMITS, renderScreen, stubFetch, WIDGET, type Sent } from '../testing';
import { Products, PRODUCTS_REFRESH_MS } from './Products';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const product = (n: number) => ({
  id: `01JDQ3T0X6M6V1W3C6W7N5K8${String(n).padStart(2, '0')}`,
  name: `P${n}`,
  price: 1,
  quantity: n,
  available: n,
});
const NEXT = 'http://inventory.test:9/products?limit=100&cursor=opaque%2Fcursor';

/** The inventory: its config, `other` where it answers, else `first` for a list of products. */
function stubInventory(first: () => Response, other: (request: Sent) => Response | undefined = () => undefined) {
  const stub = stubFetch((request) => {
    if (request.url.endsWith('/config')) return json({ limits: LIMITS });
    return other(request) ?? (request.url.includes('/products?') ? first() : undefined);
  });
  /** The product lists asked for, in order. */
  const lists = () => stub.sent.filter((r) => r.url.includes('/products?')).map((r) => r.url);
  return { ...stub, lists };
}

const rowTexts = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);
const tableRows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1);
const FIRST = 'http://127.0.0.1:8000/products?limit=100';

describe('the products table in pages', () => {
  it('loads the first page, then Load more follows the Link and appends the rest once', async () => {
    const { lists } = stubInventory(
      () => json([product(1), product(2)], 200, { Link: `<${NEXT}>; rel="next"` }),
      ({ url }) => (url === NEXT ? json([product(2), product(3)]) : undefined), // 2 again: skipped
    );
    renderScreen(<Products />);
    expect((await screen.findByTestId('shown-count')).textContent).toBe('2 products shown; more to load');
    expect(lists()).toEqual([FIRST]);

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('P3');
    expect(lists()).toEqual([FIRST, NEXT]);
    expect(tableRows().map((r) => r.getAttribute('data-product-id'))).toEqual([product(1).id, product(2).id, product(3).id]);
    expect(screen.getByTestId('shown-count').textContent).toBe('3 products shown');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('refreshes every loaded page in turn and keeps them; Refresh starts over from the first', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    // What the inventory holds now: the third product's stock changes meanwhile.
    let third = product(3);
    const { lists } = stubInventory(
      () => json([product(1), product(2)], 200, { Link: `<${NEXT}>; rel="next"` }),
      ({ url }) => (url === NEXT ? json([third]) : undefined),
    );
    renderScreen(<Products />);
    fireEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    await screen.findByText('P3');
    expect(lists()).toEqual([FIRST, NEXT]);

    third = { ...third, quantity: 30, available: 28 };
    await act(() => vi.advanceTimersByTimeAsync(PRODUCTS_REFRESH_MS));
    await waitFor(() => expect(rowTexts(tableRows()[2]).slice(1, 5)).toEqual(['P3', '$1.00', '30', '28']));
    // One page after the other, from the first, following its Link again.
    expect(lists().slice(0, 4)).toEqual([FIRST, NEXT, FIRST, NEXT]);
    expect(tableRows()).toHaveLength(3);

    const before = lists().length;
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.getByTestId('shown-count').textContent).toBe('2 products shown; more to load'));
    await waitFor(() => expect(lists().length).toBe(before + 1));
    expect(lists().at(-1)).toBe(FIRST);
    expect(tableRows()).toHaveLength(2);
  });
});

describe('stock on hand and available', () => {
  const RESERVED = { ...WIDGET, quantity: 10, available: 7 };

  it('shows both, and says what available means', async () => {
    stubInventory(() => json([RESERVED]));
    renderScreen(<Products />);
    const table = await screen.findByRole('table');
    const [header, row] = within(table).getAllByRole('row');
    expect(within(header).getAllByRole('columnheader').map((c) => c.textContent)).toEqual([
      'ID',
      'Name',
      'Price',
      'On hand',
      'Available',
      'Actions',
    ]);
    expect(rowTexts(row).slice(1, 5)).toEqual(['Widget', '$20.00', '10', '7']);
    expect(table.querySelector('caption')?.textContent).toBe('Available = on hand − reserved by pending orders.');
  });

  it('puts a 409 quantity_below_reserved under the quantity, with what is reserved beside it', async () => {
    stubInventory(
      () => json([RESERVED]),
      ({ method }) => (method === 'PATCH' ? apiError(409, 'quantity_below_reserved', '3 units are reserved by placed orders; quantity cannot go below that') : undefined),
    );
    renderScreen(<Products />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    expect(screen.getByText('3 reserved')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Quantity of Widget'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const message = await screen.findByText('3 units are reserved by placed orders; quantity cannot go below that');
    expect(message.className).toBe('invalid-feedback');
    expect(screen.getByLabelText('Quantity of Widget').className).toContain('is-invalid');
  });
});

/** The inventory holding one product, `current()`; `write` answers PATCHes and adjustments. */
function stubOneProduct(current: () => typeof WIDGET, write: (request: Sent) => Response | undefined) {
  return stubInventory(
    () => json([current()]),
    (request) => {
      if (request.method !== 'GET') return write(request);
      if (request.url.endsWith(`/products/${WIDGET.id}`)) return json(current());
      return undefined;
    },
  );
}
const writes = (sent: Sent[]) => sent.filter((r) => r.method !== 'GET');

/** The one product, whose first PATCH (sent against WIDGET's etag) finds it changed `meanwhile` and
 * answers 412; a later PATCH saves `saved` over the product as it then is. */
function stubChangedMeanwhile(meanwhile: Partial<typeof WIDGET>, saved: Partial<typeof WIDGET>) {
  let current = WIDGET;
  return stubOneProduct(
    () => current,
    (request) => {
      if (request.headers.get('If-Match') === WIDGET.etag) {
        current = { ...WIDGET, ...meanwhile };
        return apiError(412, 'precondition_failed', 'the product changed since that ETag');
      }
      return json((current = { ...current, ...saved }));
    },
  );
}

/** The table shown, and its one product edited: `value` typed as its `field`, then Save. */
async function editAndSave(field: 'Price' | 'Quantity', value: string) {
  renderScreen(<Products />);
  fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
  fireEvent.change(screen.getByLabelText(`${field} of Widget`), { target: { value } });
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
}

describe('stock changes from the products table', () => {
  it('restocks by an adjustment of the units typed, and says so when on hand moved meanwhile', async () => {
    // The page shows 10; by the time the restock lands an order has taken 3.
    let current = WIDGET;
    const { sent } = stubOneProduct(
      () => current,
      () => json((current = { ...WIDGET, quantity: 27, available: 27, etag: '"5.0"' })),
    );
    renderScreen(<Products />);
    fireEvent.click(await screen.findByRole('button', { name: 'Restock Widget' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Restock “Widget”' }));
    expect(dialog.getByTestId('on-hand-now').textContent).toMatch(/^On hand now: 10\./);
    fireEvent.change(dialog.getByLabelText('Units to add (negative to remove)'), { target: { value: '0' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add to stock' }));
    expect(dialog.getByText('Units must not be 0')).toBeTruthy();
    fireEvent.change(dialog.getByLabelText('Units to add (negative to remove)'), { target: { value: '+20' } });
    fireEvent.change(dialog.getByLabelText('Note (optional)'), { target: { value: 'pallet 7' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add to stock' }));

    const notice = await screen.findByTestId('stock-notice');
    expect(notice.textContent).toBe(
      'Widget: +20 units; on hand is now 27. The stock changed while you edited: on hand was 7 when the change was ' +
        'made, not the 10 shown, so it was added to 7; nothing was lost.',
    );
    const [adjustment] = writes(sent);
    expect([adjustment.method, adjustment.url]).toEqual(['POST', `http://127.0.0.1:8000/products/${WIDGET.id}/adjustments`]);
    expect(JSON.parse(adjustment.body!)).toEqual({ delta: 20, reason: 'restock', note: 'pallet 7' });
    expect(adjustment.headers.get('If-Match')).toBeNull();
    expect(writes(sent)).toHaveLength(1);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(rowTexts(tableRows()[0])[3]).toBe('27');
  });

  it('shows a 409 quantity_below_reserved of a removal under the units', async () => {
    stubOneProduct(
      () => ({ ...WIDGET, available: 7 }),
      () => apiError(409, 'quantity_below_reserved', '3 units are reserved by placed orders; quantity cannot go below that'),
    );
    renderScreen(<Products />);
    fireEvent.click(await screen.findByRole('button', { name: 'Restock Widget' }));
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.getByTestId('on-hand-now').textContent).toContain('(3 reserved by pending orders)');
    fireEvent.change(dialog.getByLabelText('Reason'), { target: { value: 'damaged' } });
    fireEvent.change(dialog.getByLabelText('Units to add (negative to remove)'), { target: { value: '-8' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add to stock' }));
    const message = await dialog.findByText('3 units are reserved by placed orders; quantity cannot go below that');
    expect(message.className).toBe('invalid-feedback');
    expect(screen.queryByTestId('stock-notice')).toBeNull();
  });

  it('sets a quantity with If-Match; on 412 with on hand unchanged it retries once against the new etag and says so', async () => {
    // An order reserved 2 meanwhile: the etag moved, on hand did not.
    const { sent } = stubChangedMeanwhile({ available: 8, etag: '"3.2"' }, { quantity: 15, available: 13, etag: '"4.2"' });
    await editAndSave('Quantity', '15');

    const notice = await screen.findByTestId('stock-notice');
    expect(notice.textContent).toMatch(/^Widget saved: on hand 15\. An order reserved or released units while you edited/);
    expect(notice.textContent).toContain('the change was retried against the new version');
    const patches = writes(sent);
    expect(patches.map((p) => [p.method, p.headers.get('If-Match'), p.body])).toEqual([
      ['PATCH', '"3.0"', '{"quantity":15}'],
      ['PATCH', '"3.2"', '{"quantity":15}'],
    ]);
    expect(rowTexts(tableRows()[0])[3]).toBe('15');
  });

  it('on 412 with on hand changed, sends nothing more: shows the new count and asks again', async () => {
    // An order took 3 meanwhile.
    const { sent } = stubChangedMeanwhile({ quantity: 7, available: 7, etag: '"4.0"' }, { quantity: 12, available: 12, etag: '"5.0"' });
    await editAndSave('Quantity', '12');

    const message = await screen.findByText(
      'The stock changed while you edited: on hand is now 7 (it was 10 when you started). Nothing was saved. Save again ' +
        'to set on hand to 12, or change it.',
    );
    expect(message.className).toBe('invalid-feedback');
    expect(writes(sent)).toHaveLength(1);
    expect(screen.getByLabelText<HTMLInputElement>('Quantity of Widget').value).toBe('12');

    // Asked again, the person keeps 12: sent against the etag just read.
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save' })).toBeNull());
    expect(writes(sent).map((p) => p.headers.get('If-Match'))).toEqual(['"3.0"', '"4.0"']);
    expect(rowTexts(tableRows()[0])[3]).toBe('12');
    expect(screen.queryByTestId('stock-notice')).toBeNull();
  });

  it('sends a price alone without If-Match and never writes back an untouched quantity', async () => {
    const { sent } = stubOneProduct(
      () => WIDGET,
      () => json({ ...WIDGET, price: 21.5, etag: '"4.0"' }),
    );
    await editAndSave('Price', '21.50');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Save' })).toBeNull());
    const [patch] = writes(sent);
    expect([patch.method, patch.body, patch.headers.get('If-Match')]).toEqual(['PATCH', '{"price":21.5}', null]);
  });

  it("shows a product's ledger, newest first, with each change's reason and order", async () => {
    const ORDER_ID = '01JDQ3T0X6M6V1W3C6W7N5K8Z0';
    const { sent } = stubInventory(
      () => json([WIDGET]),
      ({ url }) =>
        url.includes(`/products/${WIDGET.id}/ledger`)
          ? json([
              { id: '3-0', at: '2026-11-28T07:02:00Z', change: 20, quantity_after: 27, reason: 'adjustment', adjustment_reason: 'restock', note: 'pallet 7' },
              { id: '2-0', at: '2026-11-28T07:01:00Z', change: -3, quantity_after: 7, reason: 'order', order_id: ORDER_ID },
              { id: '1-0', at: '2026-11-28T07:00:00Z', change: 10, quantity_after: 10, reason: 'created' },
            ])
          : undefined,
    );
    renderScreen(<Products />);
    fireEvent.click(await screen.findByRole('button', { name: 'Ledger of Widget' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Ledger of “Widget”' }));
    await dialog.findByText('pallet 7');
    const rows = within(dialog.getByRole('table')).getAllByRole('row').slice(1).map((r) => rowTexts(r).slice(1));
    expect(rows).toEqual([
      ['+20', '27', 'Adjustment: restock', 'pallet 7', ''],
      ['−3', '7', 'Order', '', ORDER_ID],
      ['+10', '10', 'Created', '', ''],
    ]);
    expect(sent.find((r) => r.url.includes('/ledger'))!.url).toBe(`http://127.0.0.1:8000/products/${WIDGET.id}/ledger?limit=50`);
    fireEvent.click(dialog.getByText('Close'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
