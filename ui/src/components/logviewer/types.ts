// What the log viewer is given and what a search answers.

export interface LogSearchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

export interface LogSearchResult {
  /** Number of matching lines in the whole log. */
  total: number;
  /** 0-based numbers of matching lines, ascending (possibly only the first ones). */
  lines: number[];
  /** `lines` holds fewer than `total` entries. */
  truncated: boolean;
}

export interface LogViewerProps {
  /** Number of lines in the log now; may grow while the viewer is open. */
  lineCount: number;
  /** Lines `first` … `first + count - 1` (0-based). */
  getLines(first: number, count: number): Promise<string[]>;
  /** Searches the whole log; without it the search bar is hidden. */
  search?(query: string, opts: LogSearchOptions): Promise<LogSearchResult>;
  /** Copies the whole log (done by the caller, e.g. from the file); shows a "Copy all" button. */
  onCopyAll?(): void | Promise<void>;
  /** Keep the last line in view as the log grows (the initial state; later changes apply too). */
  follow?: boolean;
  onFollowChange?(follow: boolean): void;
  /** Change it when the viewer shows another log: the cache and search are reset. */
  sourceKey?: string;
  /** Wrap long lines at first. */
  defaultWrap?: boolean;
  /** Row height in px without wrapping (default 18). */
  rowHeight?: number;
  /** Lines read per `getLines` call (default 256). */
  windowSize?: number;
  /** Lines kept in the cache at most (default 32 768). */
  cacheLines?: number;
  /** Characters kept in the cache at most (default 8 000 000). */
  cacheChars?: number;
  /** Longer lines are cut here with a marker (default 10 000). */
  maxLineChars?: number;
  /** Rows rendered above and below the view (default 12). */
  overscan?: number;
  /** Shown when the log is empty. */
  emptyText?: string;
  ariaLabel?: string;
  className?: string;
}
