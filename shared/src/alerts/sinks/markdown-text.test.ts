import { describe, expect, it } from 'vitest';
import { markdownText } from './markdown-text.js';

describe('markdownText', () => {
  it('escapes links, images, emphasis, code and HTML so they show as text', () => {
    expect(markdownText('[click](http://evil) ![x](y) **b** `c` <img src=x>')).toBe(
      '\\[click\\]\\(http\\://evil\\) !\\[x\\]\\(y\\) \\*\\*b\\*\\* \\`c\\` \\<img src=x\\>',
    );
  });

  it('keeps everything on one line, so no heading, list or quote can start', () => {
    expect(markdownText('ok\n# heading\r\n- item\n> quote')).toBe('ok # heading - item \\> quote');
  });

  it('leaves addresses readable', () => {
    expect(markdownText('node 10.0.0.1 is DOWN')).toBe('node 10.0.0.1 is DOWN');
  });

  it('cuts long text before escaping', () => {
    expect(markdownText('a'.repeat(1_000), 10)).toBe('aaaaaaaaaa');
  });
});
