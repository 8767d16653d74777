/** Where nginx located an error: the file and line it names. */
export type NginxErrorSite = { readonly file: string; readonly line: number };

const SITE = /\bin (\/[^\s:]+):(\d+)\b/;
const NOISE = /\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(emerg|alert|crit|error|warn)\] \d+#\d+: /g;

/** The file and line an `nginx -t` failure names, if any ("... in /etc/nginx/x.conf:12"). */
export function nginxErrorSite(message: string): NginxErrorSite | undefined {
  const match = SITE.exec(message);
  return match ? { file: match[1], line: Number(match[2]) } : undefined;
}

const FROM_MARKER = /\[(?:emerg|alert|crit|error)\]\s*(?:\d+#\d+:\s*)?(.*)$/s;

/**
 * What nginx said, without the apply script's prefix, time stamps, pids and the closing
 * "test failed" line: the reason shown for a quarantine, and what two failures are
 * compared by.
 */
export function nginxErrorText(message: string): string {
  const said = FROM_MARKER.exec(message)?.[1] ?? message;
  return said
    .replace(NOISE, '')
    .replace(/nginx: configuration file \S+ test failed/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when `file`, as nginx printed it, is the node's rendered file `configPath`. */
export function isRenderedFile(file: string, configPath: string): boolean {
  return file === configPath;
}
