// Create a product: checked here first with the API's own rules and limits (its GET /config), and
// any 422 the API still answers is shown under the field it names.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, describeError } from '../api/client';
import { createProduct, type NewProduct } from '../api/inventory';
import { Spinner } from '../components/Spinner';
import { TextField } from '../components/TextField';
import { formatMoney } from '../pricing';
import { keys, useInventoryLimits } from '../queries';
import { fieldErrorsFromApi, validateProduct, type FieldErrors, type ProductField, type ProductInput } from '../validation';

const FIELDS: readonly ProductField[] = ['name', 'price', 'quantity'];

export function CreateProduct() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const limits = useInventoryLimits();
  const [input, setInput] = useState<ProductInput>({ name: '', price: '', quantity: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: (product: NewProduct) => createProduct(product),
    onMutate: () => setErrors({}),
    onSuccess: (product) => {
      void queryClient.invalidateQueries({ queryKey: keys.products });
      navigate('/products', { state: { created: product.name } });
    },
    onError: (error) =>
      setErrors(
        error instanceof ApiError && error.status !== 401 ? fieldErrorsFromApi(error.body, FIELDS) : { form: describeError(error) },
      ),
  });
  const busy = create.isPending;

  const change = (field: ProductField, value: string) => {
    setInput((i) => ({ ...i, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = validateProduct(input, limits);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    const { name, priceCents, quantity } = checked.values;
    create.mutate({ name, price: priceCents / 100, quantity });
  };

  // The API's limits, once known, said before anyone runs into them.
  const hints: Record<ProductField, string> | undefined = limits && {
    name: `At most ${limits.name_max_chars} characters.`,
    price: `At most ${formatMoney(limits.price_max * 100)}, to the cent.`,
    quantity: `A whole number, at most ${limits.quantity_max.toLocaleString('en-US')}.`,
  };

  const field = (name: ProductField, label: string, props: { inputMode?: 'decimal' | 'numeric'; placeholder?: string }) => (
    <TextField
      id={`product-${name}`}
      name={name}
      label={label}
      error={errors[name]}
      hint={hints?.[name]}
      value={input[name]}
      onChange={(e) => change(name, e.target.value)}
      {...props}
    />
  );

  return (
    <>
      <div className="pb-2 mb-3 border-bottom">
        <h1 className="h2">Create product</h1>
      </div>
      <form className="col-lg-6" onSubmit={submit} noValidate>
        {errors.form && (
          <div className="alert alert-danger" role="alert">
            {errors.form}
          </div>
        )}
        {field('name', 'Name', { placeholder: 'Widget' })}
        {field('price', 'Price ($)', { inputMode: 'decimal', placeholder: '20' })}
        {field('quantity', 'Quantity', { inputMode: 'numeric', placeholder: '100' })}
        <button type="submit" className="btn btn-primary me-2" disabled={busy}>
          {busy ? <Spinner label="Saving…" muted={false} /> : 'Save'}
        </button>
        <Link to="/products" className="btn btn-outline-secondary">
          Cancel
        </Link>
      </form>
    </>
  );
}
