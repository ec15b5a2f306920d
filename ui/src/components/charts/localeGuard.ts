// uPlot formats numbers with `new Intl.NumberFormat(navigator.language)` when
// its module loads. Under a POSIX locale (LANG=C.UTF-8) WebKitGTK reports a
// language tag Intl rejects, which would make the module throw. Imported
// before uPlot: it replaces such a tag with one Intl accepts.

function valid(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (typeof navigator !== 'undefined' && !valid(navigator.language)) {
  const fallback = (navigator.languages ?? []).find(valid) ?? 'en-US';
  try {
    Object.defineProperty(navigator, 'language', { configurable: true, get: () => fallback });
  } catch {
    // Read-only in this engine: nothing more can be done here.
  }
}

export {};
