/**
 * How long a server asked us to wait: `Retry-After` (seconds or an HTTP date)
 * or the IETF `RateLimit` header (draft 8: `"policy"; r=0; t=30`, draft 7:
 * `limit=10, remaining=0, reset=30`) of a policy that has nothing left. The
 * longest wait named wins; nonsense and waits over an hour are ignored.
 */
const MAX_WAIT_MS = 3_600_000;

export function retryAfterMs(headers: { get(name: string): string | null }, now: number): number | undefined {
  const waits = [...fromRetryAfter(headers.get('retry-after'), now), ...fromRateLimit(headers.get('ratelimit'))].filter(
    (ms) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_WAIT_MS,
  );
  return waits.length === 0 ? undefined : Math.max(...waits);
}

function fromRetryAfter(value: string | null, now: number): number[] {
  if (value === null || value.trim() === '') return [];
  const text = value.trim();
  if (/^\d+$/.test(text)) return [Number(text) * 1000];
  const date = Date.parse(text);
  return Number.isNaN(date) ? [] : [Math.max(0, date - now)];
}

function fromRateLimit(value: string | null): number[] {
  if (value === null) return [];
  const waits: number[] = [];
  // Draft 8: one policy per list item.
  for (const entry of value.split(',')) {
    const remaining = /;\s*r=(\d+)/.exec(entry)?.[1];
    const reset = /;\s*t=(\d+)/.exec(entry)?.[1];
    if (remaining === '0' && reset !== undefined) waits.push(Number(reset) * 1000);
  }
  // Draft 7: one policy as a list of parameters.
  const remaining = /\bremaining=(\d+)/.exec(value)?.[1];
  const reset = /\breset=(\d+)/.exec(value)?.[1];
  if (remaining === '0' && reset !== undefined) waits.push(Number(reset) * 1000);
  return waits;
}
