/** True for an absolute http: or https: URL (where webhooks can be sent). */
export function isHttpUrl(v: string): boolean {
  let parsed: URL;
  try { parsed = new URL(v); } catch { return false; }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:';
}
