// The invoices: drafts waiting for review first, then the confirmed ones (or only one of the two,
// by the status filter), each a cursor-paged table with "Cargar más".
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, type Page as ApiPage } from '../../api/client.ts';
import { LoadMore } from '../../components/LoadMore.tsx';
import { TableScroll } from '../../components/Page.tsx';
import { QueryView } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate, dateTime, money } from '../../lib/format.ts';
import { invoiceKeys, sourcesText, voucherOf, type InvoiceStatus, type InvoiceSummary } from './model.ts';

const s = t.invoices.list;

export function InvoiceList({ status }: { status: InvoiceStatus | 'all' }) {
  return (
    <>
      {status !== 'confirmed' && <InvoiceSection status="draft" />}
      {status !== 'draft' && <InvoiceSection status="confirmed" />}
    </>
  );
}

function InvoiceSection({ status }: { status: InvoiceStatus }) {
  const title = status === 'draft' ? s.draftsTitle : s.confirmedTitle;
  const query = useInfiniteQuery({
    queryKey: invoiceKeys.list(status),
    queryFn: ({ pageParam, signal }) => api.get<ApiPage<InvoiceSummary>>('/invoices', { status, limit: 25, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const headingId = `invoices-${status}-title`;
  return (
    <section className="invoice-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <QueryView
        query={{ ...query, data: query.data?.pages.flatMap((p) => p.items) }}
        isEmpty={(items) => items.length === 0}
        empty={status === 'draft' ? s.emptyDrafts : s.emptyConfirmed}
        rows={3}
      >
        {(items) => (
          <>
            <TableScroll label={s.tableLabel(title)}>
              <table className="invoice-table">
                <thead>
                  <tr>
                    <th scope="col">{s.cols.voucher}</th>
                    <th scope="col">{s.cols.date}</th>
                    <th scope="col">{s.cols.issuer}</th>
                    <th scope="col" className="num">
                      {s.cols.total}
                    </th>
                    <th scope="col" className="num">
                      {s.cols.lines}
                    </th>
                    <th scope="col" className="num">
                      {s.cols.warnings}
                    </th>
                    <th scope="col">{s.cols.sources}</th>
                    <th scope="col">{s.cols.uploaded}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((inv) => {
                    const voucher = voucherOf(inv);
                    return (
                      <tr key={inv.id}>
                        <td>
                          <Link href={`/facturas?id=${inv.id}`} className="row-link">
                            {voucher}
                          </Link>
                        </td>
                        <td>{calendarDate(inv.issue_date)}</td>
                        <td className="wrap">
                          {inv.issuer_name ?? '—'}
                          {inv.issuer_cuit && <span className="row-meta mono">{inv.issuer_cuit}</span>}
                        </td>
                        <td className="num">{money(inv.total)}</td>
                        <td className="num">{inv.lines_count}</td>
                        <td className="num">{inv.warnings_count > 0 ? <span className="badge warn">{inv.warnings_count}</span> : '0'}</td>
                        <td>{sourcesText(inv.sources)}</td>
                        <td>{dateTime(inv.created_at)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
            <LoadMore query={query} />
          </>
        )}
      </QueryView>
    </section>
  );
}
