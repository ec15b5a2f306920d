// The log viewer lives in ./logviewer/; this is its entry point.

export { LogViewer } from './logviewer/LogViewer';
export { MAX_SCROLL_PX } from './logviewer/geometry';
export { MAX_COPY_LINES } from './logviewer/useLineSelection';
export type { LogSearchOptions, LogSearchResult, LogViewerProps } from './logviewer/types';
