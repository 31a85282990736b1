// @vitest-environment jsdom
// The create product form: checked with the API's own rules and the limits of its GET /config
// before sending (left to the API while that cannot be read), and the API's 422 shown under the
// field it names.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportUp } from '../api/health';
import { json, LIMITS, renderScreen, stubFetch } from '../testing';
import { CreateProduct } from './CreateProduct';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  reportUp('Inventory');
});

const CONFIG = { limits: LIMITS };

/** A stand-in for the inventory: GET /config answers `config` (or fails, for an API down), any
 * other request answers `answer`. `sent()`: what was sent besides the config. */
function stubInventory(answer: () => Response, config: () => Promise<Response> = () => Promise.resolve(json(CONFIG))) {
  const stub = stubFetch(({ url }) => (url.endsWith('/config') ? config() : answer()));
  return { sent: () => stub.sent.filter((r) => !r.url.endsWith('/config')) };
}

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

function renderForm() {
  renderScreen(
    <Routes>
      <Route path="/products/create" element={<CreateProduct />} />
      <Route path="/products" element={<p>products table</p>} />
    </Routes>,
    '/products/create',
  );
}

describe('the create product form', () => {
  it("shows the API's 422 message under the field it names", async () => {
    const body = { error: { code: 'validation_failed', message: 'quantity must be at most 1000000000', field: 'quantity' } };
    stubInventory(() => json(body, 422));
    renderForm();
    fill('Name', 'Widget');
    fill('Price ($)', '20');
    fill('Quantity', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    const quantity = screen.getByLabelText('Quantity');
    await waitFor(() => expect(quantity.getAttribute('aria-invalid')).toBe('true'));
    const message = document.getElementById(quantity.getAttribute('aria-describedby')!);
    expect(message?.textContent).toBe('Quantity must be at most 1000000000');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByLabelText('Price ($)').getAttribute('aria-invalid')).toBeNull();
  });

  it('sends the checked values as numbers, then goes back to the table', async () => {
    const { sent } = stubInventory(() => json({ id: 'p1', name: 'Widget', price: 19.99, quantity: 5 }, 201));
    renderForm();
    fill('Name', '  Widget ');
    fill('Price ($)', '19.99');
    fill('Quantity', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('products table');
    expect(JSON.parse(sent()[0].body!)).toEqual({ name: 'Widget', price: 19.99, quantity: 5 });
  });

  it('sends nothing while a field is invalid', () => {
    const { sent } = stubInventory(() => json({}, 201));
    renderForm();
    fill('Price ($)', '0');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Name must not be empty')).toBeTruthy();
    expect(screen.getByText('Price must be greater than 0')).toBeTruthy();
    expect(screen.getByText('Quantity is required')).toBeTruthy();
    expect(sent()).toEqual([]);
  });

  it("checks the limits of the API's GET /config before sending", async () => {
    const tight = { limits: { ...CONFIG.limits, name_max_chars: 5 } };
    const { sent } = stubInventory(() => json({}, 201), () => Promise.resolve(json(tight)));
    renderForm();
    expect(await screen.findByText('At most 5 characters.')).toBeTruthy();
    expect(screen.getByText('At most $1,000,000.00, to the cent.')).toBeTruthy();
    fill('Name', 'Widgets');
    fill('Price ($)', '20');
    fill('Quantity', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Name must be at most 5 characters')).toBeTruthy();
    expect(sent()).toEqual([]);
  });

  it('leaves the limits to the API while its /config cannot be reached', async () => {
    const body = { error: { code: 'validation_failed', message: 'name must be at most 200 characters', field: 'name' } };
    stubInventory(() => json(body, 422), () => Promise.reject(new TypeError('Failed to fetch')));
    renderForm();
    fill('Name', 'x'.repeat(201));
    fill('Price ($)', '20');
    fill('Quantity', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Name must be at most 200 characters')).toBeTruthy();
  });
});
