/** The bench's output: a plain-text table on stdout and bench-results.json. */
import fs from "node:fs";
import os from "node:os";

export interface Row {
  measure: string;
  /** The measured figure(s), human-readable. */
  figure: string;
  /** What it is compared with, human-readable. */
  compared: string;
  /** measured ÷ compared, when the target is a ratio. */
  ratio: number | null;
  target: string;
  pass: boolean;
  /** Why a row missed, or how to read it. */
  note?: string;
}

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    cpu =
      fs
        .readFileSync("/proc/cpuinfo", "utf8")
        .match(/^model name\s*:\s*(.+)$/m)?.[1]
        ?.trim() ?? cpu;
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    nproc: os.availableParallelism(),
    cpu,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** A fixed-width table, one line per row, notes underneath. */
export function formatTable(rows: Row[]): string {
  const header = ["measure", "figure", "compared with", "ratio", "target", "result"];
  const cells = rows.map((r) => [
    r.measure,
    r.figure,
    r.compared,
    r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.pass ? "PASS" : "MISS",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(" │ ");
  const out = [line(header), widths.map((w) => "─".repeat(w)).join("─┼─"), ...cells.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.pass ? "·" : "!"} ${r.measure}: ${r.note}`);
  return [...out, ...(notes.length ? ["", ...notes] : [])].join("\n");
}
