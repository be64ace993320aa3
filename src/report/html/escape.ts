// Escaping for the HTML report. Every piece of model text goes through one of these
// before it reaches the page, so a name such as "<script>" stays inert text.

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a <script type="application/json"> element: `<`, `>` and `&` become \u escapes so
 * no "</script" or "<!--" can end or confuse the element, and U+2028/2029 are escaped for older
 * parsers. JSON.parse reads the result back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Inline script or style text: a literal "</script" or "</style" would close the element early.
 * The bundled client code never holds one; this keeps a future string literal from breaking the page.
 */
export function inlineCode(code: string, element: "script" | "style"): string {
  return code.replace(new RegExp(`</(${element})`, "gi"), "<\\/$1");
}
