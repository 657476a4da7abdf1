/** Messages from a Process thread to its parent (tagged so they cannot be confused with user data). */
export type ThreadMessage =
  | { type: 'proc:started' }
  | { type: 'proc:bootError'; error: unknown }
  | { type: 'proc:error'; error: unknown };

export function isThreadMessage(m: unknown): m is ThreadMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('proc:');
}
