// The suppliers table; on a phone it scrolls sideways inside TableScroll with the name pinned,
// like the products table (one markup for every width, real row and column headers).
import type { Supplier } from '../../api/types.ts';
import { TableScroll } from '../../components/Page.tsx';
import { t } from '../../i18n/index.ts';
import { formatCuit } from './cuit.ts';

const s = t.suppliers.table;

export function SupplierTable({ items, canWrite, busy, onEdit }: { items: Supplier[]; canWrite: boolean; busy: boolean; onEdit: (s: Supplier) => void }) {
  return (
    <TableScroll label={s.label}>
      <table className="suppliers-table" aria-busy={busy || undefined}>
        <thead>
          <tr>
            <th scope="col" className="pin">
              {s.name}
            </th>
            <th scope="col">{s.cuit}</th>
            <th scope="col">{s.email}</th>
            <th scope="col">{s.phone}</th>
            <th scope="col" className="num">
              {s.leadTime}
            </th>
            {canWrite && <th scope="col">{s.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((sup) => (
            <tr key={sup.id}>
              <th scope="row" className="pin supplier-name">
                {sup.name}
              </th>
              <td className="mono">{formatCuit(sup.cuit)}</td>
              <td>{sup.email ? <a href={`mailto:${sup.email}`}>{sup.email}</a> : '—'}</td>
              <td>{sup.phone ? <a href={`tel:${sup.phone.replace(/[^\d+]/g, '')}`}>{sup.phone}</a> : '—'}</td>
              <td className="num">{s.days(sup.lead_time_days)}</td>
              {canWrite && (
                <td>
                  <button type="button" onClick={() => onEdit(sup)} aria-label={t.suppliers.editLabel(sup.name)}>
                    {t.suppliers.edit}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
