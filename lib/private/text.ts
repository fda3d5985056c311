/** Shortens a generated description or display name to an AWS length limit, keeping its start. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
