// The products table: delete with a confirmation dialog, inline edit of price and quantity
// (restock, reprice). It refreshes every few seconds, so stock taken by orders shows up.
import { useCallback, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError, describeError } from '../api/http';
import { deleteProduct, getInventoryConfig, listProducts, productsPage, updateProduct, type Product } from '../api/inventory';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { LoadError } from '../components/LoadError';
import { LoadMore } from '../components/LoadMore';
import { Spinner } from '../components/Spinner';
import { formatMoney, toCents } from '../pricing';
import { useLoad } from '../useLoad';
import { usePaged } from '../usePaged';
import { fieldErrorsFromApi, parsePrice, parseQuantity, type FieldErrors, type Limits } from '../validation';

export const PRODUCTS_REFRESH_MS = 3000;
/** Products per page: the first page, and each *Load more*. */
export const PRODUCTS_PAGE = 100;

const firstPage = () => listProducts(PRODUCTS_PAGE);
const refresh = () => PRODUCTS_REFRESH_MS;

export function Products() {
  const products = usePaged('products', firstPage, productsPage, refresh);
  // For the edit row's checks; until it answers, the API alone checks the limits.
  const limits = useLoad('inventory-config', getInventoryConfig).data?.limits;
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Product | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const created = (useLocation().state as { created?: string } | null)?.created;
  const list = products.data?.items;
  const { setItems, reload } = products;

  const replace = useCallback(
    (product: Product) => {
      if (list) setItems(list.map((p) => (p.id === product.id ? product : p)));
      setEditing(null);
    },
    [list, setItems],
  );

  const cancelDelete = useCallback(() => {
    setDeleting(null);
    setDeleteError(null);
  }, []);

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await deleteProduct(deleting.id);
    } catch (error) {
      // Already gone (deleted elsewhere): what the person wanted.
      if (!(error instanceof ApiError && error.status === 404)) {
        setDeleteError(describeError(error));
        setDeleteBusy(false);
        return;
      }
    }
    if (list) setItems(list.filter((p) => p.id !== deleting.id));
    setDeleteBusy(false);
    setDeleting(null);
  };

  return (
    <>
      <div className="d-flex justify-content-between align-items-center pb-2 mb-3 border-bottom">
        <h1 className="h2">Products</h1>
        <div className="d-flex gap-2">
          <button type="button" className="btn btn-sm btn-outline-secondary" onClick={reload} title="Reload from the first page">
            Refresh
          </button>
          <Link to="/products/create" className="btn btn-sm btn-outline-secondary">
            Add product
          </Link>
        </div>
      </div>
      {created && (
        <div className="alert alert-success" role="status">
          Product “{created}” created.
        </div>
      )}
      {products.loading && <Spinner label="Loading products…" />}
      {products.error !== undefined && <LoadError error={products.error} stale={list !== undefined} />}
      {list && list.length === 0 && (
        <p className="text-body-secondary">
          No products yet. <Link to="/products/create">Add the first one.</Link>
        </p>
      )}
      {list && list.length > 0 && (
        <div className="table-responsive">
          <table className="table table-striped table-sm align-middle">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Name</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((product) =>
                editing === product.id ? (
                  <EditRow
                    key={product.id}
                    product={product}
                    limits={limits}
                    onSaved={replace}
                    onCancel={() => setEditing(null)}
                  />
                ) : (
                  <tr key={product.id} data-product-id={product.id}>
                    <td className="id">{product.id}</td>
                    <td>{product.name}</td>
                    <td>{formatMoney(toCents(product.price))}</td>
                    <td>{product.quantity}</td>
                    <td className="text-nowrap">
                      <button
                        type="button"
                        className="btn btn-sm btn-outline-primary me-2"
                        onClick={() => setEditing(product.id)}
                      >
                        Edit
                      </button>
                      <button type="button" className="btn btn-sm btn-outline-danger" onClick={() => setDeleting(product)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
      {list && list.length > 0 && (
        <LoadMore
          shown={list.length}
          noun={list.length === 1 ? 'product' : 'products'}
          more={products.data?.next != null}
          busy={products.loadingMore}
          error={products.loadMoreError}
          onClick={() => void products.loadMore()}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirmLabel="Delete"
          busy={deleteBusy}
          error={deleteError}
          onConfirm={confirmDelete}
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
  onSaved: (p: Product) => void;
  onCancel: () => void;
}) {
  const [price, setPrice] = useState(String(product.price));
  const [quantity, setQuantity] = useState(String(product.quantity));
  const [errors, setErrors] = useState<FieldErrors<EditField>>({});
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const p = parsePrice(price, limits);
    const q = parseQuantity(quantity, limits);
    if (!p.ok || !q.ok) {
      setErrors({ price: p.ok ? undefined : p.error, quantity: q.ok ? undefined : q.error });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      onSaved(await updateProduct(product.id, { price: p.value / 100, quantity: q.value }));
    } catch (error) {
      setErrors(error instanceof ApiError ? fieldErrorsFromApi(error.body, ['price', 'quantity']) : { form: describeError(error) });
      setBusy(false);
    }
  };

  const formId = `edit-${product.id}`;
  return (
    <tr data-product-id={product.id}>
      <td className="id">{product.id}</td>
      <td>
        {product.name}
        {errors.form && <div className="text-danger small" role="alert">{errors.form}</div>}
      </td>
      <td>
        <form id={formId} onSubmit={save} noValidate />
        <input
          form={formId}
          className={`form-control form-control-sm${errors.price ? ' is-invalid' : ''}`}
          aria-label={`Price of ${product.name}`}
          inputMode="decimal"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
        />
        {errors.price && <div className="invalid-feedback">{errors.price}</div>}
      </td>
      <td>
        <input
          form={formId}
          className={`form-control form-control-sm${errors.quantity ? ' is-invalid' : ''}`}
          aria-label={`Quantity of ${product.name}`}
          inputMode="numeric"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
        />
        {errors.quantity && <div className="invalid-feedback">{errors.quantity}</div>}
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
