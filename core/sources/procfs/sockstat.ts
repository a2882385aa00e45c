/**
 * Socket counts from `/proc/net/sockstat` (`TCP: inuse 13 orphan 0 tw 72 alloc 24 mem 0`).
 */
import { lineEnd, num, type Labels, type Round } from "./round.ts";

const NO_LABELS: Labels = Object.freeze({}) as Labels;

/** Kept fields: `Proto:key` → metric (all gauges; `mem` is in pages). */
const FIELDS: Readonly<Record<string, string>> = {
  "sockets:used": "sockets.used",
  "TCP:inuse": "sockets.tcp_inuse",
  "TCP:orphan": "sockets.tcp_orphan",
  "TCP:tw": "sockets.tcp_time_wait",
  "TCP:alloc": "sockets.tcp_alloc",
  "TCP:mem": "sockets.tcp_mem_pages",
  "UDP:inuse": "sockets.udp_inuse",
  "UDP:mem": "sockets.udp_mem_pages",
  "RAW:inuse": "sockets.raw_inuse",
  "FRAG:inuse": "sockets.frag_inuse",
};

/**
 * Read `/proc/net/sockstat` text into `round` (group `sockets`): gauges `sockets.used`,
 * `sockets.tcp_{inuse,orphan,time_wait,alloc,mem_pages}`, `sockets.udp_{inuse,mem_pages}`,
 * `sockets.raw_inuse`, `sockets.frag_inuse`. Each line is `Proto: key value key value...`.
 *
 * @example
 * readSockstat(round, "sockets: used 55\nTCP: inuse 13 orphan 0 tw 72 alloc 24 mem 0\n", "net/sockstat");
 */
export function readSockstat(round: Round, text: string, file: string): void {
  let line = 0;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    line++;
    const s = text.slice(start, end);
    start = end + 1;
    if (s === "") continue;
    const colon = s.indexOf(": ");
    const tok = colon > 0 ? s.slice(colon + 2).split(" ") : [];
    if (colon <= 0 || tok.length % 2 !== 0) {
      round.parseError(file, `line ${line}: expected "Proto: key value ...", got ${JSON.stringify(s.slice(0, 80))}`);
      continue;
    }
    const proto = s.slice(0, colon);
    for (let i = 0; i < tok.length; i += 2) {
      const name = FIELDS[`${proto}:${tok[i]}`];
      if (name === undefined || !Object.hasOwn(FIELDS, `${proto}:${tok[i]}`)) continue;
      const v = num(tok[i + 1]);
      if (Number.isFinite(v)) round.gauge(name, NO_LABELS, v);
      else round.parseError(file, `line ${line}: ${proto} ${tok[i]} is not a number: ${JSON.stringify(tok[i + 1].slice(0, 40))}`);
    }
  }
}
