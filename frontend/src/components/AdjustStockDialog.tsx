// Restock (or remove units): an adjustment, `POST /products/{id}/adjustments {"delta", "reason",
// "note"?}`. The worker adds the delta to whatever is on hand in the script that checks it, so a
// sale or another restock meanwhile is never overwritten, unlike setting the count: the answer
// says what on hand is now, and `adjustmentOutcome` says so when it moved while the person typed.
import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { adjustProduct, type AdjustmentReason, type Product } from '../api/inventory';
import { useProductChanged } from '../queries';
import { adjustmentOutcome } from '../stock';
import { parseDelta, stockChangeErrors, type FieldErrors, type Limits } from '../validation';
import { Modal } from './Modal';
import { Spinner } from './Spinner';
import { TextField } from './TextField';

/** The contract's reasons, in words. */
const REASONS: Record<AdjustmentReason, string> = {
  restock: 'Restock (received)',
  return: 'Return (a customer sent units back)',
  damaged: 'Damaged or lost',
  count: 'Stock count (found another number)',
  other: 'Other',
};

type Field = 'delta' | 'reason' | 'note';

export function AdjustStockDialog({
  product,
  limits,
  onDone,
  onCancel,
}: {
  /** As the list shows it now (it refreshes while the dialog is open). */
  product: Product;
  limits: Limits;
  onDone: (outcome: string) => void;
  onCancel: () => void;
}) {
  const ids = useId();
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState<AdjustmentReason>('restock');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const changed = useProductChanged();
  const adjust = useMutation({
    mutationFn: async ({ units, seen }: { units: number; seen: number }) => {
      const saved = await adjustProduct(product.id, { delta: units, reason, ...(note.trim() ? { note: note.trim() } : {}) });
      return { saved, outcome: adjustmentOutcome(seen, units, saved) };
    },
    onMutate: () => setErrors({}),
    onSuccess: async ({ saved, outcome }) => {
      await changed({ saved });
      onDone(outcome);
    },
    onError: (error) => setErrors(stockChangeErrors(error, 'delta', ['delta', 'reason', 'note'])),
  });
  const busy = adjust.isPending;
  const reserved = product.quantity - product.available;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const units = parseDelta(delta, limits);
    if (!units.ok) return setErrors({ delta: units.error });
    // What the person saw when they pressed the button: the outcome compares the answer with it.
    adjust.mutate({ units: units.value, seen: product.quantity });
  };

  return (
    <Modal
      title={`Restock “${product.name}”`}
      onCancel={onCancel}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${ids}-form`} className="btn btn-primary" disabled={busy}>
            {busy ? <Spinner label="Saving…" muted={false} /> : 'Add to stock'}
          </button>
        </>
      }
    >
      <form id={`${ids}-form`} onSubmit={submit} noValidate>
        <p data-testid="on-hand-now">
          On hand now: <strong>{product.quantity}</strong>
          {reserved > 0 && ` (${reserved} reserved by pending orders)`}. The units are added to whatever is on hand
          when this is saved, so sales meanwhile are kept.
        </p>
        <TextField
          id={`${ids}-delta`}
          label="Units to add (negative to remove)"
          inputMode="numeric"
          autoFocus
          value={delta}
          error={errors.delta}
          onChange={(e) => setDelta(e.target.value)}
        />
        <div className="mb-3">
          <label htmlFor={`${ids}-reason`} className="form-label">
            Reason
          </label>
          <select
            id={`${ids}-reason`}
            className={`form-select${errors.reason ? ' is-invalid' : ''}`}
            value={reason}
            onChange={(e) => setReason(e.target.value as AdjustmentReason)}
          >
            {Object.entries(REASONS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {errors.reason && <div className="invalid-feedback">{errors.reason}</div>}
        </div>
        <TextField
          id={`${ids}-note`}
          label="Note (optional)"
          value={note}
          error={errors.note}
          onChange={(e) => setNote(e.target.value)}
        />
        {errors.form && (
          <div className="alert alert-danger mb-0" role="alert">
            {errors.form}
          </div>
        )}
      </form>
    </Modal>
  );
}
