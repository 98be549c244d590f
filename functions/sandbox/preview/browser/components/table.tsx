import type { SortedTableHeaderProps, TableCellProps, TableElementProps, TableHeaderProps, TableProps } from '@hubspot/ui-extensions';
import { useEffect, useState, type CSSProperties } from 'react';
import { call, cx } from '../runtime';

/** Table and its parts; a paginated table draws HubSpot's page controls and reports the page the person picks. */
export function Table(props: TableProps) {
  const { children, bordered = true, flush, density = 'default' } = props;
  return (
    <div className={cx('hs-table-wrap', flush && 'hs-table-wrap--flush')}>
      <table className={cx('hs-table', bordered && 'hs-table--bordered', `hs-table--${density}`)}>{children}</table>
      {props.paginated && <Pagination {...props} />}
    </div>
  );
}

function Pagination({
  pageCount,
  page,
  onPageChange,
  showButtonLabels = true,
  showFirstLastButtons = false,
  maxVisiblePageButtons = 5,
}: Extract<TableProps, { paginated: true }>) {
  const [own, setOwn] = useState(page ?? 1);
  useEffect(() => {
    if (page !== undefined) setOwn(page);
  }, [page]);
  const current = page ?? own;
  const go = (n: number) => {
    if (n < 1 || n > pageCount || n === current) return;
    setOwn(n);
    call(onPageChange, n);
  };
  const half = Math.floor(maxVisiblePageButtons / 2);
  const first = Math.max(1, Math.min(current - half, pageCount - maxVisiblePageButtons + 1));
  const pages = Array.from({ length: Math.min(maxVisiblePageButtons, pageCount) }, (_, i) => first + i);
  return (
    <nav className="hs-pagination" aria-label="Pagination">
      {showFirstLastButtons && (
        <button type="button" disabled={current <= 1} onClick={() => go(1)}>
          « {showButtonLabels && 'First'}
        </button>
      )}
      <button type="button" disabled={current <= 1} onClick={() => go(current - 1)}>
        ‹ {showButtonLabels && 'Prev'}
      </button>
      {pages.map((n) => (
        <button
          type="button"
          key={n}
          className={cx(n === current && 'hs-pagination__current')}
          aria-current={n === current ? 'page' : undefined}
          onClick={() => go(n)}
        >
          {n}
        </button>
      ))}
      <button type="button" disabled={current >= pageCount} onClick={() => go(current + 1)}>
        {showButtonLabels && 'Next'} ›
      </button>
      {showFirstLastButtons && (
        <button type="button" disabled={current >= pageCount} onClick={() => go(pageCount)}>
          {showButtonLabels && 'Last'} »
        </button>
      )}
    </nav>
  );
}

export const TableHead = ({ children }: TableElementProps) => <thead>{children}</thead>;
export const TableBody = ({ children }: TableElementProps) => <tbody>{children}</tbody>;
export const TableFooter = ({ children }: TableElementProps) => <tfoot>{children}</tfoot>;
export const TableRow = ({ children }: TableElementProps) => <tr>{children}</tr>;

const cellStyle = (align: 'left' | 'center' | 'right' | undefined, width: 'min' | 'max' | 'auto' | number | undefined): CSSProperties => ({
  ...(align ? { textAlign: align } : {}),
  ...(typeof width === 'number' ? { width } : width === 'min' ? { width: '1%', whiteSpace: 'nowrap' } : width === 'max' ? { width: '100%' } : {}),
});

export function TableCell({ children, align, width, colSpan }: TableCellProps) {
  return (
    <td style={cellStyle(align, width)} {...(colSpan ? { colSpan } : {})}>
      {children}
    </td>
  );
}

const NEXT_SORT = { none: 'ascending', ascending: 'descending', descending: 'ascending' } as const;

export function TableHeader(props: TableHeaderProps) {
  const { children, align, width } = props;
  if (props.sortDirection === undefined || props.sortDirection === 'never') return <th style={cellStyle(align, width)}>{children}</th>;
  const { sortDirection, onSortChange, disabled } = props as SortedTableHeaderProps;
  const arrow = sortDirection === 'ascending' ? '▲' : sortDirection === 'descending' ? '▼' : '↕';
  return (
    <th style={cellStyle(align, width)} aria-sort={sortDirection === 'none' ? undefined : sortDirection}>
      <button type="button" className="hs-sort" disabled={disabled} onClick={() => call(onSortChange, NEXT_SORT[sortDirection])}>
        {children} <span aria-hidden>{arrow}</span>
      </button>
    </th>
  );
}
