// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, LIMITS, renderScreen, stubFetch, WIDGET } from '../testing';
import { Products } from './Products';

afterEach(() => {
  cleanup();
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
function stubInventory(first: () => Response, other: (url: string, init: RequestInit) => Response | undefined = () => undefined) {
  return stubFetch((url, init) => {
    if (url.endsWith('/config')) return json({ limits: LIMITS });
    return other(url, init) ?? (url.includes('/products?') ? first() : undefined);
  });
}

const rowTexts = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);

describe('the products table in pages', () => {
  it('loads the first page, then Load more follows the Link and appends the rest once', async () => {
    const fetch = stubInventory(
      () => json([product(1), product(2)], 200, { Link: `<${NEXT}>; rel="next"` }),
      (url) => (url === NEXT ? json([product(2), product(3)]) : undefined), // 2 again: skipped
    );
    renderScreen(<Products />);
    expect((await screen.findByTestId('shown-count')).textContent).toBe('2 products shown; more to load');
    expect(fetch.mock.calls[0][0]).toMatch(/\/products\?limit=100$/);

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('P3');
    expect(fetch.mock.calls.map((c) => c[0])).toContain(NEXT);
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-product-id'))).toEqual([product(1).id, product(2).id, product(3).id]);
    expect(screen.getByTestId('shown-count').textContent).toBe('3 products shown');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
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
      (_, init) => (init.method === 'PATCH' ? apiError(409, 'quantity_below_reserved', '3 units are reserved by placed orders; quantity cannot go below that') : undefined),
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
