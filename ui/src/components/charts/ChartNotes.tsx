import './charts.css';

/** What a chart's axis leaves out or how it marks points, under the chart where a reader looks. */
export function ChartNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="chart-notes muted small" data-testid="chart-notes">
      {notes.map((n) => (
        <li key={n} data-testid="chart-note">
          {n}
        </li>
      ))}
    </ul>
  );
}
