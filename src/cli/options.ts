// Options several commands share, parsed one way everywhere.
import { InvalidArgumentError, Option } from "commander";

/** A calendar date written YYYY-MM-DD (2026-02-30 is refused, not rolled over into March). */
export function parseDate(value: string): string {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) throw new InvalidArgumentError("expected a date written YYYY-MM-DD");
  return value;
}

/** An option's parser for a whole number from 1 to `max`; `unit` names what is counted in the message ("nodes"). */
export function countParser(max: number, unit?: string): (value: string) => number {
  return (value) => {
    const count = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(count >= 1 && count <= max)) throw new InvalidArgumentError(`expected a whole number${unit ? ` of ${unit}` : ""}, 1 to ${max}`);
    return count;
  };
}

/** --date: the only clock a command sees, fixed for reproducible runs. */
export function dateOption(description: string): Option {
  return new Option("--date <YYYY-MM-DD>", description).argParser(parseDate);
}

export const PATH_HELP = "model file, or folder holding threatwright.yaml";
