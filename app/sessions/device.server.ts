/**
 * How a session's device is shown in the session list: browser, OS and kind of device from the
 * User-Agent (parsed with bowser, MIT), and the client IP truncated to its network.
 *
 * Why truncate: the list should help people recognise their own devices ("Firefox on macOS, from
 * 203.0.113.0/24") without the registry keeping full addresses. Approximate location would need
 * a GeoIP database shipped with the app and kept current; we have none offline, so we show the
 * network instead (ADR 009).
 */
import { isIPv4, isIPv6 } from "node:net";
import Bowser from "bowser";
import type { DeviceInfo } from "./registry.server";

/** Longer User-Agents are cut before parsing: a parser's regexes never see attacker-sized input. */
export const MAX_USER_AGENT_LENGTH = 512;

const UNKNOWN: DeviceInfo = { browser: "Unknown browser", os: "Unknown OS", type: "unknown" };
const DEVICE_TYPES = new Set(["desktop", "mobile", "tablet", "tv", "bot"]);
const FROZEN_OS_VERSIONS = new Set(["macOS", "Windows"]);

/** Parses a User-Agent header into what the session list shows. Never throws. */
export function describeDevice(userAgent: string | null | undefined): DeviceInfo {
  if (!userAgent) return UNKNOWN;
  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(userAgent.slice(0, MAX_USER_AGENT_LENGTH));
  } catch {
    return UNKNOWN;
  }
  const type = parsed.platform?.type ?? "";
  const osName = parsed.os?.name;
  // Browsers froze these versions in the User-Agent (macOS 10.15.7, Windows NT 10.0 also on
  // Windows 11): showing them would be wrong more often than right.
  const osVersion = osName && FROZEN_OS_VERSIONS.has(osName) ? undefined : parsed.os?.version;
  return {
    browser: label(parsed.browser?.name, majorVersion(parsed.browser?.version)) ?? UNKNOWN.browser,
    os: label(osName, osVersion) ?? UNKNOWN.os,
    type: DEVICE_TYPES.has(type) ? type : "unknown",
  };
}

function majorVersion(version: string | undefined): string | undefined {
  return version?.split(".")[0];
}

/** "Name version", keeping only plain characters (the version comes from the header as sent). */
function label(name: string | undefined, version: string | undefined): string | undefined {
  const clean = (s: string | undefined) =>
    s
      ?.replace(/[^\w .-]/g, "")
      .slice(0, 40)
      .trim() || undefined;
  const n = clean(name);
  if (!n) return undefined;
  const v = clean(version);
  return v ? `${n} ${v}` : n;
}

/**
 * The client address truncated to its network: IPv4 to /24, IPv6 to /48 (an IPv4-mapped IPv6
 * address counts as IPv4). Anything that is not an IP address gives "".
 */
export function truncateIp(address: string | null | undefined): string {
  if (!address) return "";
  let ip = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  if (isIPv4(ip)) {
    const [a, b, c] = ip.split(".");
    return `${a}.${b}.${c}.0/24`;
  }
  const zoneless = ip.replace(/%.*$/, "");
  if (!isIPv6(zoneless)) return "";
  const groups = expandIPv6(zoneless);
  if (!groups) return "";
  const network = [...groups.slice(0, 3), 0, 0, 0, 0, 0].map((g) => g.toString(16)).join(":");
  // The WHATWG URL parser writes IPv6 in its canonical short form (RFC 5952), as browsers show it.
  return `${new URL(`http://[${network}]/`).hostname.slice(1, -1)}/48`;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail included). */
function expandIPv6(ip: string): number[] | null {
  let text = ip;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4Tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}
