// The "Cargar más" footer of a cursor-paged list (react-query's useInfiniteQuery): the button
// while there is more, and the error of the last page if it failed.
import { t } from '../i18n/index.ts';
import { errorMessage } from './states.tsx';

/** The footer of an infinite list: the button while there is more, the error of the last page. */
export function LoadMore({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; isFetchNextPageError: boolean; error: unknown; fetchNextPage: () => unknown };
}) {
  if (!query.hasNextPage && !query.isFetchNextPageError) return null;
  return (
    <div className="load-more">
      {query.isFetchNextPageError && (
        <p className="field-error" role="alert">
          {errorMessage(query.error)}
        </p>
      )}
      <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
        {query.isFetchingNextPage ? t.states.loading : t.states.loadMore}
      </button>
    </div>
  );
}
