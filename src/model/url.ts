/** True for an absolute http: or https: URL (where webhooks can be sent). */
export function isHttpUrl(v: string): boolean {
  let parsed: URL;
  try { parsed = new URL(v); } catch { return false; }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:';
}

/** call_control_ids arrive percent-encoded (`v3%3A…`): the journal and the log show them as the app wrote them. */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
