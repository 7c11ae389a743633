// Loading, empty and error states. Loading placeholders reserve the space the content will
// take, so nothing jumps when the data arrives.
import type { ReactNode } from 'react';
import { ApiError, NetworkError } from '../api/client.ts';
import { t } from '../i18n/index.ts';

export function Loading({ rows = 5, label = t.states.loading }: { rows?: number; label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row" aria-hidden="true" />
      ))}
    </div>
  );
}

export function Empty({ children = t.states.empty }: { children?: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** The user-facing sentence for any error the API client can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof NetworkError) return t.states.network;
  if (error instanceof ApiError) return t.errors[error.code] ?? error.message;
  return t.states.error;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="error-state" role="alert">
      <p>
        <strong>{t.states.error}</strong> {errorMessage(error)}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t.states.retry}
        </button>
      )}
    </div>
  );
}

/** Renders loading / error / empty / content for one query. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  rows,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  rows?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading rows={rows} />;
  if (query.error || query.data === undefined) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}
