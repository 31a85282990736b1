// @vitest-environment jsdom
// The Operations screen: the consumer's health and lag per stream from /stats; each stream's dead
// letters with Replay (the consumer run's report shown, the list read again) and Discard / Discard
// all behind a confirmation; the audit's problems, Continue while it is not complete, and the
// repair's changes followed by the audit again; a 401 asks for the admin token and the lists come
// with it; a deployment without one says so.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditReport, DeadLetter } from '../api/consumer';
import { TokenDialog } from '../components/TokenDialog';
import { apiError, json, renderScreen, stubFetch, WIDGET, type Sent } from '../testing';
import { Operations } from './Operations';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const BASE = 'http://127.0.0.1:8002';
const STATS = {
  last_run: '2026-11-28T07:00:00Z',
  last_run_duration_ms: 12,
  last_run_outcome: 'ok',
  streams: {
    order_completed: { length: 3, pending: 1, dead_letters: 1, oldest_pending_age_ms: 420, oldest_undelivered_age_ms: 65_000 },
    refund_order: { length: 0, pending: 0, dead_letters: 0, oldest_pending_age_ms: null, oldest_undelivered_age_ms: null },
  },
};
const LETTER: DeadLetter = {
  id: '1795623560000-0',
  source_id: '1795623553161-0',
  reason: 'damaged_order',
  deliveries: 5,
  died_at: '2026-11-28T07:00:20Z',
  fields: { pk: '01JDQ3V4R2B7C9D1E3F5G7H9JK', status: 'completed' },
};
const CHECKED = { products: 2, ledger_entries: 9, orders: 4, orders_in_flight: 1, orders_holding_stock: 1, reserved_products: 1 };
const RUN = { batches: 1, read: 1, payments_recovered: 0, applied: 1, refund_requests: 0, refunded: 0, duplicates: 0, dead_lettered: 0, held: 0, read_errors: 0 };

/** consumer-cron: /stats, /health, the dead letters (`letters`, by stream), then `other`. */
function stubConsumer(letters: Record<string, DeadLetter[]>, other: (request: Sent) => Response | undefined = () => undefined) {
  return stubFetch((request) => {
    const { url, method } = request;
    const answer = other(request);
    if (answer) return answer;
    if (url === `${BASE}/stats`) return json(STATS);
    if (url === `${BASE}/health`) return json({ status: 'degraded', service: 'consumer-cron', redis: 'ok', reason: 'an event has waited 65 s' });
    const list = /\/dead-letters\/(\w+)\?limit=50$/.exec(url);
    if (list && method === 'GET') return json(letters[list[1]] ?? []);
    return undefined;
  });
}

const section = (stream: string) => within(screen.getByTestId(`dead-letters-${stream}`));
const cellTexts = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);

describe('the consumer', () => {
  it("shows each stream's backlog, pending, dead letters and lag, the last run and the health", async () => {
    stubConsumer({});
    renderScreen(<Operations />);
    const stats = await screen.findByTestId('stream-stats');
    const rows = within(stats).getAllByRole('row').slice(1);
    expect(rows.map(cellTexts)).toEqual([
      ['order_completed', '3', '1', '1', '1 min 5 s', '420 ms'],
      ['refund_order', '0', '0', '0', '—', '—'],
    ]);
    expect(screen.getByTestId('last-run').textContent).toMatch(/ \(12 ms\): ok$/);
    expect((await screen.findByTestId('consumer-health')).textContent).toBe('Health: degradedan event has waited 65 s');
  });
});

describe('dead letters', () => {
  it('replays one and shows what the consumer run did; the list is read again', async () => {
    let letters = [LETTER];
    const { sent } = stubConsumer({ order_completed: letters }, ({ url, method }) => {
      if (method === 'POST' && url === `${BASE}/dead-letters/order_completed/${LETTER.id}/replay`) {
        letters = [];
        return json({ replayed: [{ dead_letter_id: LETTER.id, event_id: '1795623570000-0' }], remaining: 0, consumer_run: RUN });
      }
      if (url.endsWith('/dead-letters/order_completed?limit=50')) return json(letters);
      return undefined;
    });
    renderScreen(<Operations />);
    const letter = await section('order_completed').findByText(/pk: 01JDQ3V4R2B7C9D1E3F5G7H9JK, status: completed/);
    const row = letter.closest('tr')!;
    expect(cellTexts(row).slice(1, 3)).toEqual(['damaged_order', '5']);
    expect(section('refund_order').getByText('None: every event applied.')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: 'Replay' }));
    const report = await section('order_completed').findByTestId('dead-letter-report');
    expect(report.textContent).toBe(
      'Replayed 1 dead letter; 0 left. The consumer run that followed: 1 applied, 0 already applied (duplicates), 0 held ' +
        'for a retry, 0 dead-lettered again, 0 refunded (1 read in 1 batch).',
    );
    await waitFor(() => expect(section('order_completed').getByText('None: every event applied.')).toBeTruthy());
    expect(sent.filter((r) => r.method === 'POST').map((r) => r.headers.get('Authorization'))).toEqual([null]);
  });

  it('discards one, and all, only after confirming', async () => {
    const other = { ...LETTER, id: '1795623560001-0' };
    let letters = [LETTER, other];
    const { sent } = stubConsumer({}, ({ url, method }) => {
      if (method === 'DELETE' && url === `${BASE}/dead-letters/order_completed/${LETTER.id}`) {
        letters = [other];
        return new Response(null, { status: 204 });
      }
      if (method === 'DELETE' && url === `${BASE}/dead-letters/order_completed`) {
        letters = [];
        return json({ discarded: 1 });
      }
      if (url.endsWith('/dead-letters/order_completed?limit=50')) return json(letters);
      return undefined;
    });
    const deletes = () => sent.filter((r) => r.method === 'DELETE').map((r) => r.url);
    renderScreen(<Operations />);
    const rows = await section('order_completed').findAllByRole('button', { name: 'Discard' });
    fireEvent.click(rows[0]);
    let dialog = within(screen.getByRole('dialog', { name: 'Discard this dead letter?' }));
    expect(dialog.getByText(/its repair releases the units/)).toBeTruthy();
    fireEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(deletes()).toEqual([]);

    fireEvent.click(rows[0]);
    dialog = within(screen.getByRole('dialog'));
    fireEvent.click(dialog.getByRole('button', { name: 'Discard' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(section('order_completed').getByTestId('dead-letter-report').textContent).toBe('Discarded 1 dead letter: gone for good.');
    await waitFor(() => expect(section('order_completed').getAllByRole('button', { name: 'Discard' })).toHaveLength(1));

    fireEvent.click(section('order_completed').getByRole('button', { name: 'Discard all' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Discard every dead letter of order_completed?' })).getByRole('button', { name: 'Discard' }));
    await waitFor(() => expect(section('order_completed').getByText('None: every event applied.')).toBeTruthy());
    expect(deletes()).toEqual([`${BASE}/dead-letters/order_completed/${LETTER.id}`, `${BASE}/dead-letters/order_completed`]);
    expect(section('order_completed').getByRole('button', { name: 'Replay all' }).hasAttribute('disabled')).toBe(true);
  });

  it('asks for the admin token on 401 and lists them with it', async () => {
    const { sent } = stubConsumer({}, ({ url, headers }) => {
      if (!url.includes('/dead-letters/')) return undefined;
      if (headers.get('Authorization') !== 'Bearer s3cret') return apiError(401, 'unauthorized', 'this needs the admin token');
      return json(url.includes('order_completed') ? [LETTER] : []);
    });
    renderScreen(
      <>
        <Operations />
        <TokenDialog />
      </>,
    );
    const dialog = await screen.findByRole('dialog', { name: 'Admin token needed' });
    fireEvent.change(within(dialog).getByLabelText('Admin token'), { target: { value: 's3cret' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    expect(await section('order_completed').findByText(/damaged_order/)).toBeTruthy();
    await waitFor(() => expect(section('refund_order').getByText('None: every event applied.')).toBeTruthy());
    // One dialog for both lists; /stats and /health never carry the token.
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(sent.filter((r) => /\/(stats|health)$/.test(r.url)).every((r) => r.headers.get('Authorization') === null)).toBe(true);
  });

  it('says so when the deployment has no admin token (503 admin_not_configured)', async () => {
    stubConsumer({}, ({ url }) =>
      url.includes('/dead-letters/') || url.includes('/audit')
        ? apiError(503, 'admin_not_configured', 'ADMIN_TOKEN is not set on this worker: set it with make deploy')
        : undefined,
    );
    renderScreen(<Operations />);
    const alert = await section('order_completed').findByRole('alert');
    expect(alert.textContent).toBe(
      'The operations worker has no admin token configured. ADMIN_TOKEN is not set on this worker: set it with make deploy',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Run audit' }));
    await waitFor(() => expect(screen.getAllByText('The operations worker has no admin token configured.')).toHaveLength(3));
  });
});

describe('the audit', () => {
  const problem = { kind: 'reserved_mismatch', product_id: WIDGET.id, expected: 0, found: 4 } as const;

  it('shows the problems, continues an incomplete audit from its next, and repairs then audits again', async () => {
    const first: AuditReport = { ok: false, complete: false, next: 'page/2', checked: CHECKED, problems: [problem] };
    const second: AuditReport = {
      ok: false,
      complete: true,
      next: null,
      checked: { ...CHECKED, orders_in_flight: 0 },
      problems: [{ kind: 'overdue_payment', order_id: '01JDQ3V4R2B7C9D1E3F5G7H9JK', expected: 'completed', found: 'pending' }],
    };
    let repaired = false;
    const { sent } = stubConsumer({}, ({ url, method }) => {
      if (url === `${BASE}/audit`) return json(repaired ? { ok: true, complete: true, next: null, checked: CHECKED, problems: [] } : first);
      if (url === `${BASE}/audit?cursor=page%2F2`) return json(second);
      if (url === `${BASE}/audit/repair` && method === 'POST') {
        repaired = true;
        return json({ changed: [{ product_id: WIDGET.id, before: 4, after: 0 }], checked: CHECKED });
      }
      return undefined;
    });
    renderScreen(<Operations />);
    fireEvent.click(screen.getByRole('button', { name: 'Run audit' }));
    const result = await screen.findByTestId('audit-result');
    expect(within(result).getByRole('status').textContent).toBe(
      '1 problem found. Checked 2 products, 9 ledger entries, 4 orders, 1 orders in flight, 1 reserved counts.',
    );
    const rows = () => within(screen.getByTestId('audit-problems')).getAllByRole('row').slice(1).map(cellTexts);
    expect(rows()).toEqual([
      ['reserved_mismatchreserved is not what the orders holding stock add up to', WIDGET.id, '', '0', '4'],
    ]);
    expect(screen.getByTestId('audit-incomplete').textContent).toBe('Checked part of the shop: Continue checks the rest.');

    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[1]).toEqual([
      'overdue_paymenta payment pending past its due time',
      '',
      '01JDQ3V4R2B7C9D1E3F5G7H9JK',
      'completed',
      'pending',
    ]);
    expect(within(screen.getByTestId('audit-result')).getByRole('status').textContent).toBe(
      '2 problems found. Checked 4 products, 18 ledger entries, 8 orders, 1 orders in flight, 2 reserved counts.',
    );
    expect(screen.queryByTestId('audit-incomplete')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Repair reserved' }));
    expect((await screen.findByTestId('repair-result')).textContent).toBe(
      `The repair rewrote 1 reserved count:${WIDGET.id}: 4 → 0`,
    );
    await waitFor(() =>
      expect(within(screen.getByTestId('audit-result')).getByRole('status').textContent).toMatch(/^The books balance\. Checked 2 products/),
    );
    expect(screen.queryByTestId('audit-problems')).toBeNull();
    expect(sent.filter((r) => r.url.includes('/audit')).map((r) => `${r.method} ${r.url.slice(BASE.length)}`)).toEqual([
      'GET /audit',
      'GET /audit?cursor=page%2F2',
      'POST /audit/repair',
      'GET /audit',
    ]);
  });
});
