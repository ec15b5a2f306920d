import { formatFull, formatShort } from '../lib/format';

/** A compact local time with the full timestamp in the tooltip. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return (
    <time dateTime={value} title={formatFull(value)}>
      {formatShort(value)}
    </time>
  );
}
