/**
 * Text that came from elsewhere (agents, a registry) made safe to print on a terminal: no
 * control character reaches it, so nothing can move the cursor, clear the screen, retitle the
 * window, ring the bell or hide text.
 */

// C0 (incl. ESC, BEL, CR, LF, TAB), DEL, C1 (incl. CSI 0x9b, OSC 0x9d), and the Unicode format
// characters that reorder or hide text (bidi overrides/isolates, zero-width, line separators).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Escapes every control and invisible formatting character as `\xNN` / `\uNNNN` (visible
 * text, never interpreted), then cuts to `max` characters with `…`.
 *
 * @example
 * terminalSafe("edge\u001b]0;pwned\u0007"); // "edge\\x1b]0;pwned\\x07"
 */
export function terminalSafe(s: string, max = Infinity): string {
  const out = s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u${n.toString(16).padStart(4, "0")}`;
  });
  return out.length > max ? `${out.slice(0, Math.max(0, max - 1))}…` : out;
}
