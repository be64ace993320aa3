// Dates (YYYY-MM-DD) and ISO 8601 durations as the model writes them; calendar arithmetic in UTC.

/** A date (YYYY-MM-DD) plus an ISO 8601 duration of years, months, weeks and days (P90D, P6M, P1Y2M); a month end stays within its month (2026-01-31 + P1M is 2026-02-28). */
export function addDuration(date: string, duration: string): string {
  const parts = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(duration);
  const [y, m, d] = date.split("-").map(Number);
  if (!parts || y === undefined || m === undefined || d === undefined) throw new Error(`cannot add ${duration} to ${date}`);
  const [years, months, weeks, days] = parts.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number];
  const monthIndex = y * 12 + (m - 1) + years * 12 + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(Date.UTC(year, month, Math.min(d, lastDay) + weeks * 7 + days));
  return result.toISOString().slice(0, 10);
}

/** Whole days from one date (YYYY-MM-DD) to a later one; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
