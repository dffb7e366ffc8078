/**
 * Human-readable figures for the upload cards. Decimal units (kB, MB, GB) match
 * what operating systems show for file sizes on most desktops.
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // Three significant figures at most, no trailing ".0" on whole bytes.
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '–';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Time left, rounded to what a person cares about: seconds under a minute, then minutes, then hours. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `${Math.round(hours / 24)} days`;
}

export function formatPercent(done: number, total: number): string {
  if (total <= 0) return done >= total ? '100%' : '0%';
  // Floor so "100%" only appears when every byte is in.
  return `${Math.floor((done / total) * 100)}%`;
}

/**
 * A count with thousands separators, as `toLocaleString('en')` writes it ("10,000"), without Intl:
 * a renderer's first Intl number format loads ICU's data, 30-70 ms of the page's main thread.
 */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return String(count);
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A moment in the person's locale and time zone, to the minute: "1 Dec 2026, 09:30". */
export function formatDateTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '–';
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
