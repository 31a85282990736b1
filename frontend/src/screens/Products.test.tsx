// @vitest-environment jsdom
// The products table: in pages (Load more follows the Link, rows shown once; the timed refresh
// reads every loaded page again and keeps them; Refresh starts over), stock on hand and available,
// and the API's 409 quantity_below_reserved under the quantity being edited.
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
