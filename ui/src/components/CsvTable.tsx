// A table for CSV previews: sticky header, numbers right-aligned, a cap on rows.

import { formatCount } from '../lib/units';
import './CsvTable.css';

export interface CsvTableProps {
  header: readonly string[];
  rows: readonly (readonly string[])[];
  /** Rows in the whole file when `rows` holds only the first ones. */
  totalRows?: number;
  /** Rows rendered at most (default 1000). */
  maxRows?: number;
  /** CSS max-height of the scroll area (default 420px). */
  maxHeight?: string;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** Columns whose non-empty cells (in the rows shown) are all numbers. */
export function numericColumns(header: readonly string[], rows: readonly (readonly string[])[]): boolean[] {
  return header.map((_, c) => {
    let seen = false;
    for (const r of rows) {
      const v = r[c];
      if (v === undefined || v.trim() === '') continue;
      if (!NUMERIC.test(v)) return false;
      seen = true;
    }
    return seen;
  });
}

export function CsvTable({ header, rows, totalRows, maxRows = 1000, maxHeight = '420px' }: CsvTableProps) {
  const shown = rows.length > maxRows ? rows.slice(0, maxRows) : rows;
  const total = Math.max(totalRows ?? rows.length, rows.length);
  const numeric = numericColumns(header, shown);
  const width = Math.max(header.length, ...shown.map((r) => r.length));
  const cols = Array.from({ length: width }, (_, i) => i);
  return (
    <div className="csv-table" data-testid="csv-table">
      <div className="csv-scroll table-wrap" style={{ maxHeight }}>
        <table className="table csv">
          <thead>
            <tr>
              <th className="csv-rownum" aria-label="Row" />
              {cols.map((c) => (
                <th key={c} className={numeric[c] ? 'num' : undefined} title={header[c]}>
                  {header[c] ?? ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={i}>
                <td className="csv-rownum">{i + 1}</td>
                {cols.map((c) => (
                  <td key={c} className={numeric[c] ? 'num mono' : undefined} title={r[c] && r[c].length > 40 ? r[c] : undefined}>
                    {r[c] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <div className="loading">No rows.</div>}
      </div>
      {total > shown.length && (
        <div className="csv-note hint" data-testid="csv-cap">
          Showing the first {formatCount(shown.length)} of {formatCount(total)} rows.
        </div>
      )}
    </div>
  );
}
