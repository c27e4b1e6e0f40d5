import type { ReactNode } from 'react';

export type Column = string | { label: string; className: string };

/** A list as a table in a panel: the header row from the column names, the rows as children. */
export function DataTable({
  label,
  columns,
  leading,
  children,
}: {
  label: string;
  columns: readonly Column[];
  /** a first header cell that is not text (a select-all checkbox) */
  leading?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="panel">
      <table className="list" aria-label={label}>
        <thead>
          <tr>
            {leading ? <th>{leading}</th> : null}
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column}>{column}</th>
              ) : (
                <th key={column.label} className={column.className}>
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
