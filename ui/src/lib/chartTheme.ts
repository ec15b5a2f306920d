// Chart colours come from the CSS variables of the current theme.

import { useEffect, useState } from 'react';
import { LIGHT_SVG_COLORS, type SvgColors } from './chartData';

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

/** The colours of the theme in use now. */
export function readChartColors(): SvgColors {
  if (typeof document === 'undefined') return LIGHT_SVG_COLORS;
  const s = getComputedStyle(document.documentElement);
  return {
    background: cssVar(s, '--surface', LIGHT_SVG_COLORS.background),
    text: cssVar(s, '--text', LIGHT_SVG_COLORS.text),
    muted: cssVar(s, '--muted', LIGHT_SVG_COLORS.muted),
    grid: cssVar(s, '--chart-grid', LIGHT_SVG_COLORS.grid),
    axis: cssVar(s, '--border-strong', LIGHT_SVG_COLORS.axis),
    series: LIGHT_SVG_COLORS.series.map((c, i) => cssVar(s, `--chart-${i + 1}`, c)),
  };
}

/** `data-theme` of the document, updated when the user switches theme. */
export function useDocumentTheme(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    const root = document.documentElement;
    const update = () => setTheme(root.dataset.theme ?? 'light');
    update();
    if (typeof MutationObserver === 'undefined') return;
    const mo = new MutationObserver(update);
    mo.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    return () => mo.disconnect();
  }, []);
  return theme;
}
