import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One file of the console page, read once at start. */
export type PageAsset = { readonly type: string; readonly body: Buffer };

/** cli/console-page, from cli/dist/src/console (compiled) or cli/src/console (source). */
const PAGE_DIR = fileURLToPath(new URL('../../../console-page/', import.meta.url));
const SOURCE_PAGE_DIR = fileURLToPath(new URL('../../console-page/', import.meta.url));

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/** The page's files by URL path (static HTML, JS and CSS shipped in the cli package; no CDN). */
export function loadPageAssets(): ReadonlyMap<string, PageAsset> {
  const assets = new Map<string, PageAsset>();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    let body: Buffer;
    try {
      body = readFileSync(PAGE_DIR + file);
    } catch {
      body = readFileSync(SOURCE_PAGE_DIR + file);
    }
    assets.set(path, { type, body });
  }
  return assets;
}
