/**
 * IP, ICMP, TCP and UDP protocol counters from `/proc/net/snmp` (header line + value line
 * per protocol).
 */
import { lineEnd, num, type Labels, type Round } from "./round.ts";

const NO_LABELS: Labels = Object.freeze({}) as Labels;

/**
 * Kept columns per protocol. TCP and UDP keep every counter; IP and ICMP the totals and
 * errors. `Tcp CurrEstab` is a gauge; the constants (`RtoMin`, `MaxConn`, `Forwarding`...) are
 * not kept.
 */
export const SNMP_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  Ip: [
    "InReceives",
    "InHdrErrors",
    "InAddrErrors",
    "ForwDatagrams",
    "InDiscards",
    "InDelivers",
    "OutRequests",
    "OutDiscards",
    "OutNoRoutes",
    "ReasmFails",
    "FragFails",
  ],
  Icmp: ["InMsgs", "InErrors", "InDestUnreachs", "OutMsgs", "OutErrors"],
  Tcp: ["ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts", "InCsumErrors"],
  Udp: ["InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti", "MemErrors"],
};
const GAUGES = new Set(["Tcp.CurrEstab"]);

/**
 * Kept columns of `/proc/net/netstat` (TCP extensions): listen queue overflows, SYN cookies,
 * timeouts and retransmissions, aborts, drops for lack of memory or backlog, TIME-WAIT recycling.
 */
export const NETSTAT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  TcpExt: [
    "SyncookiesSent",
    "SyncookiesFailed",
    "EmbryonicRsts",
    "TW",
    "ListenOverflows",
    "ListenDrops",
    "TCPTimeouts",
    "TCPLostRetransmit",
    "TCPSynRetrans",
    "TCPFastRetrans",
    "TCPAbortOnData",
    "TCPAbortOnClose",
    "TCPAbortOnMemory",
    "TCPAbortOnTimeout",
    "TCPBacklogDrop",
    "TCPRcvQDrop",
    "TCPOFOQueue",
    "TCPMemoryPressures",
  ],
};

/** `InCsumErrors` → `in_csum_errors`, `TCPLostRetransmit` → `tcp_lost_retransmit`. */
function snake(s: string): string {
  return s
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** Protocol → column → [metric name, rate name or ""]. */
export type ProtoMeta = Map<string, Map<string, readonly [string, string]>>;

function meta(columns: Readonly<Record<string, readonly string[]>>): ProtoMeta {
  return new Map(
    Object.entries(columns).map(([proto, cols]) => [
      proto,
      new Map(
        cols.map((c) => {
          const name = `net.${proto.toLowerCase()}.${snake(c)}`;
          return [c, [name, GAUGES.has(`${proto}.${c}`) ? "" : `${name}_per_sec`] as const];
        }),
      ),
    ]),
  );
}

/** Columns kept from `/proc/net/snmp`. */
export const SNMP_META: ProtoMeta = meta(SNMP_COLUMNS);
/** Columns kept from `/proc/net/netstat`. */
export const NETSTAT_META: ProtoMeta = meta(NETSTAT_COLUMNS);

/**
 * Read `/proc/net/snmp` text into `round`: counters `net.<proto>.<column>` (snake case, e.g.
 * `net.tcp.retrans_segs`) and their `_per_sec` rates from the second round on, for the
 * columns of {@link SNMP_COLUMNS}; `net.tcp.curr_estab` is a gauge. Protocols not listed
 * (`IcmpMsg`, `UdpLite`) are skipped. With {@link NETSTAT_META}, the same for
 * `/proc/net/netstat` (`net.tcpext.listen_overflows`...).
 *
 * @example
 * readSnmp(round, "Tcp: ActiveOpens CurrEstab\nTcp: 5 2\n", "net/snmp");
 */
export function readSnmp(round: Round, text: string, file: string, META: ProtoMeta = SNMP_META): void {
  let header: string[] | undefined;
  let headerProto = "";
  let line = 0;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    line++;
    const s = text.slice(start, end);
    start = end + 1;
    if (s === "") continue;
    const colon = s.indexOf(": ");
    const proto = colon > 0 ? s.slice(0, colon) : "";
    const cols = META.get(proto);
    if (colon <= 0) {
      round.parseError(file, `line ${line}: expected "Proto: ...", got ${JSON.stringify(s.slice(0, 80))}`);
      header = undefined;
      continue;
    }
    if (cols === undefined) continue;
    const tok = s
      .slice(colon + 2)
      .trim()
      .split(" ");
    if (header === undefined || headerProto !== proto) {
      header = tok;
      headerProto = proto;
      continue;
    }
    const names = header;
    header = undefined;
    if (tok.length !== names.length) {
      round.parseError(file, `line ${line}: ${proto} has ${tok.length} values for ${names.length} columns`);
      continue;
    }
    for (let i = 0; i < names.length; i++) {
      const meta = cols.get(names[i]);
      if (meta === undefined) continue;
      const v = num(tok[i]);
      if (!Number.isFinite(v)) {
        round.parseError(file, `line ${line}: ${proto} ${names[i]} is not a number: ${JSON.stringify(tok[i].slice(0, 40))}`);
        continue;
      }
      if (meta[1] === "") round.gauge(meta[0], NO_LABELS, v);
      else round.counter(meta[0], NO_LABELS, v, "", meta[1]);
    }
  }
}
