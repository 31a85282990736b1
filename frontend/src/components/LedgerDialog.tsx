// A product's ledger (`GET /products/{id}/ledger`, admin): every change of on hand, newest first,
// in pages of LEDGER_PAGE with *Load more*: when, the signed change, on hand after it, why (an
// adjustment's reason and note, the order that took the units) — what explains the count.
import { useCallback } from 'react';
import { ApiError } from '../api/client';
import { ledgerPage, listLedger, type LedgerEntry, type Product } from '../api/inventory';
import { useLinkPages } from '../paging';
import { when } from '../operations';
import { keys } from '../queries';
import { signed } from '../stock';
import { Modal } from './Modal';
import { PagedTable } from './PagedTable';

export const LEDGER_PAGE = 50;
/** Read again this often while it is open, so that sales and restocks show as they happen. */
export const LEDGER_REFRESH_MS = 3000;

const REASONS: Record<LedgerEntry['reason'], string> = {
  created: 'Created',
  adjustment: 'Adjustment',
  set: 'Set (edit)',
  order: 'Order',
  deleted: 'Deleted',
};

export function LedgerDialog({ product, onClose }: { product: Product; onClose: () => void }) {
  const id = product.id;
  const first = useCallback(() => listLedger(id, LEDGER_PAGE), [id]);
  const next = useCallback((url: string) => ledgerPage(id, url), [id]);
  const ledger = useLinkPages({ queryKey: keys.ledger(id), first, next, refetchMs: () => LEDGER_REFRESH_MS });
  const needsToken = ledger.error instanceof ApiError && ledger.error.status === 401;
  return (
    <Modal
      title={`Ledger of “${product.name}”`}
      size="lg"
      onCancel={onClose}
      footer={
        <>
          {needsToken && (
            <button type="button" className="btn btn-primary" onClick={ledger.refresh}>
              Enter the admin token
            </button>
          )}
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <p className="small text-body-secondary">
        Every change of on hand, newest first; each row's “on hand after” is the one below plus its change.
        Reservations are not in it: they change what is available, not what is on hand.
      </p>
      <PagedTable
        list={ledger}
        nouns={['change', 'changes']}
        columns={['When', 'Change', 'On hand after', 'Reason', 'Note', 'Order']}
        empty="No changes recorded."
        row={(entry) => (
          <tr key={entry.id} data-entry-id={entry.id}>
            <td className="text-nowrap">{when(entry.at)}</td>
            <td>{signed(entry.change)}</td>
            <td>{entry.quantity_after}</td>
            <td>
              {REASONS[entry.reason]}
              {entry.adjustment_reason && `: ${entry.adjustment_reason}`}
            </td>
            <td>{entry.note}</td>
            <td className="id">{entry.order_id}</td>
          </tr>
        )}
      />
    </Modal>
  );
}
