// The products table: *Restock* (an adjustment: units added to whatever is on hand, never a blind
// absolute write), the product's *Ledger*, inline edit of price and quantity (a quantity set is
// sent with `If-Match`, so it never overwrites a change the person did not see), and delete with
// a confirmation dialog. It refreshes every few seconds, so stock taken or reserved by orders shows
// up: `quantity` is on hand, `available` what can still be ordered (on hand − reserved by pending
// orders).
import { useMutation } from '@tanstack/react-query';
import { useCallback, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, describeError } from '../api/client';
import { deleteProduct, getProduct, listProducts, productsPage, updateProduct, type Product, type ProductPatch } from '../api/inventory';
import { AdjustStockDialog } from '../components/AdjustStockDialog';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { LedgerDialog } from '../components/LedgerDialog';
import { ListHeader, PagedTable } from '../components/PagedTable';
import { Spinner } from '../components/Spinner';
import { useLinkPages } from '../paging';
import { formatMoney, toCents } from '../pricing';
import { keys, useInventoryLimits, useProductChanged } from '../queries';
import { AVAILABLE_EXPLAINED, changedWhileEditing } from '../stock';
import { parsePrice, parseQuantity, stockChangeErrors, type FieldErrors, type Limits } from '../validation';

export const PRODUCTS_REFRESH_MS = 3000;
/** Products per page: the first page, and each *Load more*. */
export const PRODUCTS_PAGE = 100;

const firstPage = () => listProducts(PRODUCTS_PAGE);
const refresh = () => PRODUCTS_REFRESH_MS;

const COLUMNS = [
  'ID',
  'Name',
  'Price',
  'On hand',
  <span title={AVAILABLE_EXPLAINED} key="available">
    Available
  </span>,
  'Actions',
];

export function Products() {
  const products = useLinkPages({ queryKey: keys.productPages, first: firstPage, next: productsPage, refetchMs: refresh });
  const limits = useInventoryLimits();
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Product | null>(null);
  const [adjusting, setAdjusting] = useState<string | null>(null);
  const [ledgerOf, setLedgerOf] = useState<Product | null>(null);
  /** What the last restock or edit did, when there is more to say than the row shows. */
  const [notice, setNotice] = useState<string | null>(null);
  const created = (useLocation().state as { created?: string } | null)?.created;
  const changed = useProductChanged();

  const stopEditing = useCallback(() => setEditing(null), []);
  const saved = useCallback((said?: string) => {
    setEditing(null);
    setAdjusting(null);
    setNotice(said ?? null);
  }, []);
  const stopAdjusting = useCallback(() => setAdjusting(null), []);
  const closeLedger = useCallback(() => setLedgerOf(null), []);
  // The dialog shows the product as the list has it now (refreshed while it is open).
  const adjusted = adjusting === null ? undefined : products.items?.find((p) => p.id === adjusting);

  const remove = useMutation({
    mutationFn: async (id: string) => {
      try {
        await deleteProduct(id);
      } catch (error) {
        // Already gone (deleted elsewhere): what the person wanted.
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
      return id;
    },
    onSuccess: async (id) => {
      await changed({ deleted: id });
      setDeleting(null);
    },
  });
  const { reset: resetDelete } = remove;

  const cancelDelete = useCallback(() => {
    setDeleting(null);
    resetDelete();
  }, [resetDelete]);

  return (
    <>
      <ListHeader title="Products" onRefresh={products.refresh}>
        <Link to="/products/create" className="btn btn-sm btn-outline-secondary">
          Add product
        </Link>
      </ListHeader>
      {created && (
        <div className="alert alert-success" role="status">
          Product “{created}” created.
        </div>
      )}
      {notice && (
        <div className="alert alert-info alert-dismissible" role="status" data-testid="stock-notice">
          {notice}
          <button type="button" className="btn-close" aria-label="Dismiss" onClick={() => setNotice(null)} />
        </div>
      )}
      <PagedTable
        list={products}
        nouns={['product', 'products']}
        columns={COLUMNS}
        caption={AVAILABLE_EXPLAINED}
        empty={
          <>
            No products yet. <Link to="/products/create">Add the first one.</Link>
          </>
        }
        row={(product) =>
          editing === product.id ? (
            <EditRow key={product.id} product={product} limits={limits} onSaved={saved} onCancel={stopEditing} />
          ) : (
            <tr key={product.id} data-product-id={product.id}>
              <td className="id">{product.id}</td>
              <td>{product.name}</td>
              <td>{formatMoney(toCents(product.price))}</td>
              <td>{product.quantity}</td>
              <td>{product.available}</td>
              <td className="text-nowrap">
                <button
                  type="button"
                  className="btn btn-sm btn-outline-success me-2"
                  aria-label={`Restock ${product.name}`}
                  onClick={() => setAdjusting(product.id)}
                >
                  Restock
                </button>
                <button
                  type="button"
                  className="btn btn-sm btn-outline-secondary me-2"
                  aria-label={`Ledger of ${product.name}`}
                  onClick={() => setLedgerOf(product)}
                >
                  Ledger
                </button>
                <button type="button" className="btn btn-sm btn-outline-primary me-2" onClick={() => setEditing(product.id)}>
                  Edit
                </button>
                <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => setDeleting(product)}>
                  Delete
                </button>
              </td>
            </tr>
          )
        }
      />
      {adjusted && <AdjustStockDialog product={adjusted} limits={limits} onDone={saved} onCancel={stopAdjusting} />}
      {ledgerOf && <LedgerDialog product={ledgerOf} onClose={closeLedger} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirmLabel="Delete"
          busy={remove.isPending}
          error={remove.error ? describeError(remove.error) : null}
          onConfirm={() => remove.mutate(deleting.id)}
          onCancel={cancelDelete}
        >
          <p className="mb-0">
            This removes the product from the shop. Orders for it that are not delivered yet will be refunded.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

type EditField = 'price' | 'quantity';

/** `If-Match` was refused: the product read again, and what to tell the person. */
class ChangedMeanwhile extends Error {
  readonly now: Product;
  constructor(now: Product, message: string) {
    super(message);
    this.now = now;
  }
}

const preconditionFailed = (error: unknown) => error instanceof ApiError && error.status === 412;

/**
 * Sends the edit. Price alone is sent as it is (a reprice is last-write-wins, as in any shop's
 * back office); a quantity is an absolute set, so it goes with `If-Match: <the etag the edit began
 * from>`. On 412 the product is read again: if on hand and the price are still what the person saw
 * (an order only reserved or released units, which changes the etag), the same set is sent once
 * more against the new etag and the person is told; if they changed, nothing is sent again: the
 * person is shown the new count and asked (their number was chosen against the old one).
 */
async function saveEdit(base: Product, patch: ProductPatch): Promise<{ saved: Product; retried: boolean }> {
  if (patch.quantity === undefined) return { saved: await updateProduct(base.id, patch), retried: false };
  let etag = base.etag;
  for (let attempt = 0; ; attempt++) {
    try {
      return { saved: await updateProduct(base.id, patch, etag), retried: attempt > 0 };
    } catch (error) {
      if (!preconditionFailed(error)) throw error;
      const now = await getProduct(base.id);
      const same = now.quantity === base.quantity && toCents(now.price) === toCents(base.price);
      if (!same || attempt > 0) throw new ChangedMeanwhile(now, changedWhileEditing(base, now, patch.quantity as number));
      etag = now.etag;
    }
  }
}

function EditRow({
  product,
  limits,
  onSaved,
  onCancel,
}: {
  product: Product;
  limits: Limits;
  onSaved: (notice?: string) => void;
  onCancel: () => void;
}) {
  // The product as the person saw it when the edit began (the list refreshes meanwhile): what a
  // change is compared with, and whose etag a quantity set is conditional on.
  const [base, setBase] = useState(product);
  const [price, setPrice] = useState(String(product.price));
  const [quantity, setQuantity] = useState(String(product.quantity));
  const [errors, setErrors] = useState<FieldErrors<EditField>>({});
  const changed = useProductChanged();
  const update = useMutation({
    mutationFn: (patch: ProductPatch) => saveEdit(base, patch),
    onMutate: () => setErrors({}),
    onSuccess: async ({ saved, retried }) => {
      await changed({ saved });
      onSaved(
        retried
          ? `${saved.name} saved: on hand ${saved.quantity}. An order reserved or released units while you edited ` +
              '(on hand and the price stayed as you saw them), so the change was retried against the new version.'
          : undefined,
      );
    },
    onError: async (error) => {
      if (error instanceof ChangedMeanwhile) {
        setBase(error.now);
        await changed({ saved: error.now });
        setErrors({ quantity: error.message });
      } else setErrors(stockChangeErrors(error, 'quantity', ['price', 'quantity']));
    },
  });
  const busy = update.isPending;

  const save = (e: FormEvent) => {
    e.preventDefault();
    const p = parsePrice(price, limits);
    const q = parseQuantity(quantity, limits);
    if (!p.ok || !q.ok) {
      setErrors({ price: p.ok ? undefined : p.error, quantity: q.ok ? undefined : q.error });
      return;
    }
    // Only what the person changed: an untouched quantity is not written back.
    const patch: ProductPatch = {};
    if (p.value !== toCents(base.price)) patch.price = p.value / 100;
    if (q.value !== base.quantity) patch.quantity = q.value;
    if (Object.keys(patch).length === 0) onSaved();
    else update.mutate(patch);
  };
  const formId = `edit-${product.id}`;
  // The two editable cells differ only in what they hold and how they are typed, in column order.
  const editedCells = [
    { field: 'price', label: 'Price', inputMode: 'decimal', value: price, onChange: setPrice },
    { field: 'quantity', label: 'Quantity', inputMode: 'numeric', value: quantity, onChange: setQuantity },
  ] as const;
  return (
    <tr data-product-id={product.id}>
      <td className="id">{product.id}</td>
      <td>
        {product.name}
        <form id={formId} onSubmit={save} noValidate />
        {errors.form && <div className="text-danger small" role="alert">{errors.form}</div>}
      </td>
      {editedCells.map(({ field, label, inputMode, value, onChange }) => (
        <CellInput
          key={field}
          form={formId}
          label={`${label} of ${product.name}`}
          inputMode={inputMode}
          value={value}
          error={errors[field]}
          onChange={onChange}
        />
      ))}
      <td>
        {product.available}
        {/* On hand cannot go below this (the API answers 409 quantity_below_reserved). */}
        <div className="small text-body-secondary">{product.quantity - product.available} reserved</div>
      </td>
      <td className="text-nowrap">
        <button type="submit" form={formId} className="btn btn-sm btn-primary me-2" disabled={busy}>
          {busy ? <Spinner label="Saving…" muted={false} /> : 'Save'}
        </button>
        <button type="button" className="btn btn-sm btn-outline-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </td>
    </tr>
  );
}

/** An input of the edit row, in its own cell, tied to the row's form. */
function CellInput({
  form,
  label,
  inputMode,
  value,
  error,
  onChange,
}: {
  form: string;
  label: string;
  inputMode: 'decimal' | 'numeric';
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <td>
      <input
        form={form}
        className={`form-control form-control-sm${error ? ' is-invalid' : ''}`}
        aria-label={label}
        inputMode={inputMode}
        value={value}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      />
      {error && <div className="invalid-feedback">{error}</div>}
    </td>
  );
}
