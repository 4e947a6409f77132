'use strict';
/** Pure helpers of the bench: statistics, tables (aligned text and markdown), an SVG bar chart, a progress line. */

/** Nearest-rank percentile of an ascending array (NaN when empty). */
function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(xs) {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** `1234.5` → "1,235" (digits after the point: `d`); anything not a finite number prints as "-". */
function num(n, d = 0) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/**
 * Columns padded to their widest cell, a dashed rule under the header. `align` per column: 'l' or 'r'
 * (default: the first column left, the others right).
 */
function alignedTable(headers, rows, align = headers.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const cells = [headers, ...rows].map((r) => headers.map((_, i) => String(r[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (align[i] === 'l' ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A GitHub markdown table; `|` inside a cell is escaped. */
function markdownTable(headers, rows) {
  const cell = (c) => String(c ?? '').replace(/\|/g, '\\|');
  const line = (r) => `| ${headers.map((_, i) => cell(r[i])).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A horizontal bar chart as SVG text. `bars`: [{label, value, note?}]; a bar whose value is not a finite
 * number is drawn as no bar with its note (e.g. "n/a (not built yet)"), never as zero.
 */
function svgBarChart({ title, unit, bars, width = 760 }) {
  const rowH = 34;
  const top = 44;
  const labelW = 300;
  const barMax = width - labelW - 150;
  const max = Math.max(1e-9, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const height = top + bars.length * rowH + 16;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="24" font-size="15" font-weight="bold">${xml(title)}</text>`,
  ];
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    out.push(`<text x="${labelW - 8}" y="${y + 18}" text-anchor="end">${xml(b.label)}</text>`);
    if (Number.isFinite(b.value)) {
      const w = Math.max(1, Math.round((b.value / max) * barMax));
      out.push(`<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 10}" fill="${i === 0 ? '#888' : '#2b6cb0'}"/>`);
      out.push(`<text x="${labelW + w + 6}" y="${y + 18}">${xml(`${num(b.value, b.value < 100 ? 1 : 0)} ${unit}${b.note ? ` (${b.note})` : ''}`)}</text>`);
    } else {
      out.push(`<text x="${labelW + 6}" y="${y + 18}" fill="#888">${xml(b.note || 'n/a')}</text>`);
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** "[#####.....] 50/100  12.3/s  4.1 s" for `done` of `total` after `elapsedMs`. */
function progressLine(label, done, total, elapsedMs, width = 30) {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const fill = Math.round(frac * width);
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  return `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}  ${rate.toFixed(1)}/s  ${(elapsedMs / 1000).toFixed(1)} s`;
}

module.exports = { percentile, median, num, alignedTable, markdownTable, svgBarChart, progressLine };
