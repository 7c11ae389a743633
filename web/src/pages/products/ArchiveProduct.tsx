// Archive (DELETE) after an explicit confirmation. The API refuses while there is stock
// (409 product.has_stock); that answer is explained in the dialog with what to do next.
import { useMutation } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client.ts';
import type { Product } from '../../api/types.ts';
import { errorMessage } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { quantity } from '../../lib/format.ts';
import { unitLabel } from './ProductTable.tsx';

const s = t.products.archiveDialog;

function refusal(error: unknown, product: Product): string {
  if (error instanceof ApiError && error.code === 'product.has_stock') {
    const onHand = typeof error.body.on_hand === 'string' ? error.body.on_hand : product.on_hand;
    return s.hasStock(`${quantity(onHand)} ${unitLabel(product)}`);
  }
  if (error instanceof ApiError && t.products.errors[error.code]) return t.products.errors[error.code]!;
  return errorMessage(error);
}

export function ArchiveProduct({ product, onDone, onCancel }: { product: Product; onDone: () => void; onCancel: () => void }) {
  const mutation = useMutation({
    mutationFn: () => api.delete<void>(`/products/${product.id}`),
    onSuccess: onDone,
  });
  const refused = mutation.isError;
  return (
    <div className="product-archive">
      <p>
        <strong>{s.question(product.name, product.sku)}</strong>
      </p>
      <p>{s.explain}</p>
      {refused && (
        <p className="form-error" role="alert">
          {refusal(mutation.error, product)}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onCancel} data-autofocus>
          {refused ? t.actions.close : t.actions.cancel}
        </button>
        {!refused && (
          <button type="button" className="danger" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
            {mutation.isPending ? s.archiving : s.confirm}
          </button>
        )}
      </div>
    </div>
  );
}
