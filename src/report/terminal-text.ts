// Model text on its way to a terminal: a name could hold a newline that breaks the layout,
// an escape sequence that moves the cursor or recolours the screen, or a bidirectional
// override that makes a line read differently from what it holds.
/** Bidirectional embeddings, overrides and isolates: they make text read differently from what it holds. */
export const DIRECTION_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;
const CONTROLS = new RegExp(`\\r\\n|[\\r\\n]|\\p{Cc}|${DIRECTION_OVERRIDES.source}`, "gu");

/** The text with line breaks as spaces and every other control or direction override as '?'. */
export function terminalText(text: string): string {
  return text.replace(CONTROLS, (c) => (c === "\r\n" || c === "\n" || c === "\r" ? " " : "?"));
}

/** terminalText cut to at most `max` characters, a longer text ending in an ellipsis: for quoting model or git text back in a message. */
export function boundedText(text: string, max: number): string {
  const characters = [...terminalText(text)];
  return characters.length <= max ? characters.join("") : `${characters.slice(0, max - 1).join("")}…`;
}
