/**
 * The grammar the node's apply script accepts (deploy/config-push/gateway-nginx-apply,
 * `check_render_grammar`), written again here so the renderer is held to it by fast unit
 * tests and every render is checked before it is pushed. The two are tested against each
 * other (test/apply-grammar.test.ts): change both together.
 */
const GROUP = '[a-z0-9][a-z0-9_-]{0,62}';
const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
const HOST = `(([0-9]{1,3}\\.){3}[0-9]{1,3}|\\[[0-9a-f:.]{2,45}\\]|${LABEL}(\\.${LABEL})*)`;
const SERVER = new RegExp(
  `^ {4}server ${HOST}:[0-9]{1,5} weight=[0-9]{1,3} max_fails=[0-9]{1,3} fail_timeout=[0-9]{1,4}s( backup)?( down)?;$`,
);
const UPSTREAM = new RegExp(`^upstream gateway_${GROUP} \\{$`);
const MAP_HEADER = 'map $http_x_gateway_group $gateway_upstream {';
const MAP_ENTRY = new RegExp(
  `^ {4}(\\\\(default|hostnames|include|volatile)|${GROUP}) gateway_${GROUP};$`,
);
const MAP_RESERVED = /^ {4}(default|hostnames|include|volatile) /;
const PRINTABLE = /^[\n\x20-\x7e]*$/;

/** True when `line` (indented as rendered) is a `server` line the node accepts. */
export function isServerLine(line: string): boolean {
  return SERVER.test(line) && !line.startsWith('    server unix:');
}

export type GrammarViolation = { readonly line: number; readonly text: string };

/** The first line the node would refuse, or undefined when all of `content` is a render. */
export function checkRenderGrammar(content: string): GrammarViolation | undefined {
  if (!PRINTABLE.test(content)) return { line: 0, text: 'bytes other than printable ASCII' };
  let block: 'top' | 'upstream' | 'map' = 'top';
  let maps = 0;
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    if (block === 'top') {
      if (line === '' || line.startsWith('#')) continue;
      if (UPSTREAM.test(line)) {
        block = 'upstream';
        continue;
      }
      if (line === MAP_HEADER && maps === 0) {
        block = 'map';
        maps = 1;
        continue;
      }
    } else if (block === 'upstream') {
      if (isServerLine(line)) continue;
      if (line === '}') {
        block = 'top';
        continue;
      }
    } else {
      if (line === '    default gateway_backend;') continue;
      if (MAP_ENTRY.test(line) && !MAP_RESERVED.test(line)) continue;
      if (line === '}') {
        block = 'top';
        continue;
      }
    }
    return { line: index + 1, text: line.slice(0, 120) };
  }
  return block === 'top' ? undefined : { line: lines.length, text: 'the file ends inside a block' };
}
