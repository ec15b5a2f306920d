// RFC 4180 CSV parsing for previews: quoted fields, doubled quotes, CRLF.

export interface ParsedCsv {
  header: string[];
  rows: string[][];
  /** Parsing stopped at `maxRows` data rows. */
  truncated: boolean;
}

export function parseCsv(text: string, maxRows = Infinity, delimiter = ','): ParsedCsv {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  let truncated = false;
  const n = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  i = n;
  const endRecord = () => {
    record.push(field);
    field = '';
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === delimiter) {
      record.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (records.length > maxRows) {
        truncated = true;
        break;
      }
    } else {
      field += ch;
      i++;
    }
  }
  if (!truncated && (field !== '' || record.length > 0)) endRecord();
  if (records.length > maxRows + 1) {
    records.length = maxRows + 1;
    truncated = true;
  }
  const [header = [], ...rows] = records;
  return { header, rows, truncated };
}
