// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Products } from './Products';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const product = (n: number) => ({ id: `01JDQ3T0X6M6V1W3C6W7N5K8${String(n).padStart(2, '0')}`, name: `P${n}`, price: 1, quantity: n });
const LIMITS = { name_max_chars: 200, price_max: 1_000_000, quantity_max: 1_000_000_000 };
const NEXT = 'http://inventory.test:9/products?limit=100&cursor=opaque%2Fcursor';

describe('the products table in pages', () => {
  it('loads the first page, then Load more follows the Link and appends the rest once', async () => {
    const fetch = vi.fn(async (url: string) => {
      if (url.endsWith('/config')) return new Response(JSON.stringify({ limits: LIMITS }));
      if (url === NEXT) return new Response(JSON.stringify([product(2), product(3)])); // 2 again: skipped
      return new Response(JSON.stringify([product(1), product(2)]), { headers: { Link: `<${NEXT}>; rel="next"` } });
    });
    vi.stubGlobal('fetch', fetch);
    render(
      <MemoryRouter>
        <Products />
      </MemoryRouter>,
    );
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
