/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went:
 * self time per function and per package, and the inclusive time of frames
 * whose name matches a pattern. Used by `npm run bench -- --profile` and by
 * targeted profiling; a profile of the whole run is a pile of numbers
 * otherwise.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  us: number;
}

export interface ProfileSummary {
  /** Sampled time in µs (idle excluded). */
  busyUs: number;
  idleUs: number;
  selfByFunction: FrameTime[];
  selfByPackage: FrameTime[];
}

/** "node_modules/@aws-sdk/x/…" → "@aws-sdk/x"; node internals → "node:…"; our build → "app". */
export function packageOf(url: string): string {
  if (!url) return "(native)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes("/build/")) return "app (build)";
  if (url.includes("/scripts/") || url.includes("/server/")) return "server";
  return url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/(build|scripts|server)\//, "$1/");
  return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
}

/**
 * Summarises `file`. `within(stack)` (frame names, root first) may keep only
 * samples of interest, e.g. those under the login action.
 */
export function summariseProfile(file: string, within?: (stack: string[]) => boolean): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number) => {
    const names: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.push(frameName(byId.get(at)!));
    return names.reverse();
  };
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const fn = node.callFrame.functionName;
    if (fn === "(idle)" || fn === "(program)") {
      idle += dt;
      continue;
    }
    if (within && !within(stackOf(node.id))) continue;
    busy += dt;
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + dt);
    const p = fn === "(garbage collector)" ? "(gc)" : packageOf(node.callFrame.url);
    pkg.set(p, (pkg.get(p) ?? 0) + dt);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([frame, us]) => ({ frame, us })).sort((a, b) => b.us - a.us);
  return { busyUs: busy, idleUs: idle, selfByFunction: sorted(self), selfByPackage: sorted(pkg) };
}

/** Inclusive time of every frame whose name matches `pattern` (counted once per sample). */
export function inclusiveTime(file: string, pattern: RegExp): FrameTime[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const seen = new Set<string>();
    for (let at: number | undefined = profile.samples[i]!; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!);
      if (pattern.test(name) && !seen.has(name)) {
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + dt);
      }
    }
  }
  return [...total].map(([frame, us]) => ({ frame, us })).sort((a, b) => b.us - a.us);
}

/**
 * Attributes every sample to the first category (in order) whose pattern
 * matches a frame of its stack, or only its leaf frame (the function running)
 * with "leaf" (frame names as in the summaries: "fn file:line").
 */
export function categorise(
  file: string,
  categories: [name: string, pattern: RegExp, where?: "leaf" | "stack"][],
): FrameTime[] {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = new Map<string, number>();
  const cache = new Map<number, string>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    let category = cache.get(id);
    if (category === undefined) {
      const names: string[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.push(frameName(byId.get(at)!));
      category =
        categories.find(([, pattern, where]) =>
          where === "leaf" ? pattern.test(names[0]!) : names.some((n) => pattern.test(n)),
        )?.[0] ?? "other";
      cache.set(id, category);
    }
    total.set(category, (total.get(category) ?? 0) + dt);
  }
  return [...total].map(([frame, us]) => ({ frame, us })).sort((a, b) => b.us - a.us);
}

/**
 * Where an app request's CPU goes, in the terms docs/benchmarks.md uses. The
 * first match wins, so the order matters: specific work before the layers
 * that call it. Frame names are "function file:line" (bundled app code is
 * "build/index.js").
 */
export const APP_CATEGORIES: [name: string, pattern: RegExp, where?: "leaf" | "stack"][] = [
  ["garbage collection", /^\(garbage collector\)/, "leaf"],
  [
    "async hooks (request scope)",
    /node:internal\/async_hooks|node:async_hooks|^promiseInitHook|^promiseBeforeHook|^promiseAfterHook|^emitDestroy/,
    "leaf",
  ],
  ["module loading (start-up)", /wrapSafe|compileSourceTextModule|ModuleLoader|esm\/(translators|module_job)/],
  ["Cognito calls (AWS SDK + HTTP client)", /@smithy|@aws-sdk|node:_http_client|node:_http_agent|^tickOnSocket/],
  ["token verification (aws-jwt-verify)", /aws-jwt-verify/],
  ["session cookie (seal/open, cache)", /^(seal|unseal|open|sealedValue|digest|write) build\/|sealed-cookie|node:zlib/],
  ["sign-in log and access log", /^(logSignIn|logRequest|consoleCall) /],
  ["React render", /react-dom|@remix-run\/react/],
  ["Remix request handling", /@remix-run\/(server-runtime|router|node|express)/],
  ["app code (loaders, actions)", /build\/index\.js/],
  ["Express, compression, static", /express\/|compression\/|serve-static|send\//],
  ["HTTP server and sockets", /node:_http_server|node:_http_common|node:_http_outgoing|node:net|stream_base_commons/],
  ["fetch (undici)", /undici\//],
];

/** A printable breakdown of `file` by APP_CATEGORIES: busy ms and share of busy time. */
export function formatBreakdown(file: string): string {
  const rows = categorise(file, [["idle", /^\((idle|program)\)/, "leaf"], ...APP_CATEGORIES]);
  const busy = rows.filter((r) => r.frame !== "idle").reduce((a, r) => a + r.us, 0);
  return rows
    .filter((r) => r.frame !== "idle")
    .map(
      (r) => `${(r.us / 1000).toFixed(0).padStart(7)} ms ${((r.us / busy) * 100).toFixed(1).padStart(5)} %  ${r.frame}`,
    )
    .join("\n");
}
