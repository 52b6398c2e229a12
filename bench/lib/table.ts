/** Plain-text and Markdown tables for benchmark output. */

export type Row = readonly string[];

/** Columns padded to their widest cell, two spaces apart; numbers read best right-aligned. */
export function textTable(header: Row, rows: readonly Row[], rightAligned: readonly number[] = []) {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)),
  );
  const line = (row: Row) =>
    row
      .map((cell, column) =>
        rightAligned.includes(column)
          ? cell.padStart(widths[column] ?? 0)
          : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

/** A GitHub-flavoured Markdown table; pipes inside cells are escaped. */
export function markdownTable(header: Row, rows: readonly Row[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const line = (row: Row) => `| ${row.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
