// Model text on its way to a terminal: a name could hold a newline that breaks the layout,
// an escape sequence that moves the cursor or recolours the screen, or a bidirectional
// override that makes a line read differently from what it holds.
const CONTROLS = /\r\n|[\r\n]|[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** The text with line breaks as spaces and every other control or direction override as '?'. */
export function terminalText(text: string): string {
  return text.replace(CONTROLS, (c) => (c === "\r\n" || c === "\n" || c === "\r" ? " " : "?"));
}
