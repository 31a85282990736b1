// The products table: delete with a confirmation dialog, inline edit of price and quantity
// (restock, reprice). It refreshes every few seconds, so stock taken or reserved by orders shows up:
// `quantity` is on hand, `available` what can still be ordered (on hand − reserved by pending orders).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, describeError } from '../api/client';
import { deleteProduct, listProducts, productsPage, updateProduct, type Product } from '../api/inventory';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ListHeader, PagedTable } from '../components/PagedTable';
import { Spinner } from '../components/Spinner';
import { removeItem, replaceItem, useLinkPages } from '../paging';
import { formatMoney, toCents } from '../pricing';
import { keys, useInventoryLimits } from '../queries';
import { AVAILABLE_EXPLAINED } from '../stock';
import { fieldErrorsFromApi, parsePrice, parseQuantity, sentence, type FieldErrors, type Limits } from '../validation';

export const PRODUCTS_REFRESH_MS = 3000;
/** Products per page: the first page, and each *Load more*. */
export const PRODUCTS_PAGE = 100;

const firstPage = () => listProducts(PRODUCTS_PAGE);
const refresh = () => PRODUCTS_REFRESH_MS;

/** What a change to a product means for the cache: the list shows the row as the API answered it
 * (or drops it), and every product query (the checkout's picker too) is read again. */
function useProductChanged() {
  const queryClient = useQueryClient();
  return useCallback(
    async (change: { saved: Product } | { deleted: string }) => {
      if ('saved' in change) await replaceItem(queryClient, keys.productPages, change.saved);
      else await removeItem<Product>(queryClient, keys.productPages, change.deleted);
      void queryClient.invalidateQueries({ queryKey: keys.products });
    },
    [queryClient],
  );
}
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
  const created = (useLocation().state as { created?: string } | null)?.created;
  const changed = useProductChanged();

  const stopEditing = useCallback(() => setEditing(null), []);

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
            <EditRow key={product.id} product={product} limits={limits} onSaved={stopEditing} onCancel={stopEditing} />
          ) : (
            <tr key={product.id} data-product-id={product.id}>
              <td className="id">{product.id}</td>
              <td>{product.name}</td>
              <td>{formatMoney(toCents(product.price))}</td>
              <td>{product.quantity}</td>
              <td>{product.available}</td>
              <td className="text-nowrap">
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

function EditRow({
  product,
  limits,
  onSaved,
  onCancel,
}: {
  product: Product;
  limits: Limits;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [price, setPrice] = useState(String(product.price));
  const [quantity, setQuantity] = useState(String(product.quantity));
  const [errors, setErrors] = useState<FieldErrors<EditField>>({});
  const changed = useProductChanged();
  const update = useMutation({
    mutationFn: (patch: { price: number; quantity: number }) => updateProduct(product.id, patch),
    onMutate: () => setErrors({}),
    onSuccess: async (saved) => {
      await changed({ saved });
      onSaved();
    },
    onError: (error) => setErrors(editErrors(error)),
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
    update.mutate({ price: p.value / 100, quantity: q.value });
  };

  const formId = `edit-${product.id}`;
  return (
    <tr data-product-id={product.id}>
      <td className="id">{product.id}</td>
      <td>
        {product.name}
        <form id={formId} onSubmit={save} noValidate />
        {errors.form && <div className="text-danger small" role="alert">{errors.form}</div>}
      </td>
      <CellInput
        form={formId}
        label={`Price of ${product.name}`}
        inputMode="decimal"
        value={price}
        error={errors.price}
        onChange={setPrice}
      />
      <CellInput
        form={formId}
        label={`Quantity of ${product.name}`}
        inputMode="numeric"
        value={quantity}
        error={errors.quantity}
        onChange={setQuantity}
      />
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

/** The API's refusal next to the field it is about. */
function editErrors(error: unknown): FieldErrors<EditField> {
  if (!(error instanceof ApiError)) return { form: describeError(error) };
  // A 409 that names no field, but only the quantity can fix: less on hand than pending orders hold.
  if (error.body.code === 'quantity_below_reserved') return { quantity: sentence(error.body.message) };
  return fieldErrorsFromApi(error.body, ['price', 'quantity']);
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
