// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

const visibleLength = (text: string) => text.replace(ANSI, '').length;

/** Left-aligned columns separated by two spaces; colour codes do not count toward widths. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, column) =>
    Math.max(visibleLength(title), ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
