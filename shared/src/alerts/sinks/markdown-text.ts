/**
 * Text from outside (an error message, a reporter's name, an instance address) made
 * inert in DingTalk markdown: one line (it always follows a label, so no heading, list
 * or quote can start), the characters of emphasis, code, links, tables and HTML
 * backslash-escaped (`:` too, so no URL is linked), and cut to `max` characters.
 */
export function markdownText(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
  return line.replace(/[\\`*_{}[\]()|<>~&:]/g, (char) => `\\${char}`);
}
