// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CreateProduct } from './CreateProduct';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

function renderForm() {
  render(
    <MemoryRouter initialEntries={['/products/create']}>
      <Routes>
        <Route path="/products/create" element={<CreateProduct />} />
        <Route path="/products" element={<p>products table</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('the create product form', () => {
  it("shows the API's 422 message under the field it names", async () => {
    const body = { error: { code: 'validation_failed', message: 'quantity must be at most 1000000000', field: 'quantity' } };
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(JSON.stringify(body), { status: 422 })));
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
    const fetch = vi.fn().mockResolvedValue(new Response(JSON.stringify({ id: 'p1', name: 'Widget', price: 19.99, quantity: 5 }), { status: 201 }));
    vi.stubGlobal('fetch', fetch);
    renderForm();
    fill('Name', '  Widget ');
    fill('Price ($)', '19.99');
    fill('Quantity', '5');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('products table');
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({ name: 'Widget', price: 19.99, quantity: 5 });
  });

  it('sends nothing while a field is invalid', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    renderForm();
    fill('Price ($)', '0');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Name must not be empty')).toBeTruthy();
    expect(screen.getByText('Price must be greater than 0')).toBeTruthy();
    expect(screen.getByText('Quantity is required')).toBeTruthy();
    expect(fetch).not.toHaveBeenCalled();
  });
});
