/**
 * What the session list shows about a device: browser/OS/kind from real browsers' User-Agents,
 * and the client address truncated to its network (checked against Node's own subnet matcher).
 */
import { BlockList, isIPv6 } from "node:net";
import { describe, expect, it } from "vitest";
import { describeDevice, MAX_USER_AGENT_LENGTH, truncateIp } from "~/sessions/device.server";

describe("describeDevice", () => {
  const table: [string, string, { browser: string; os: string; type: string }][] = [
    [
      "Chrome on Windows (NT 10.0 is frozen: no version shown)",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      { browser: "Chrome 140", os: "Windows", type: "desktop" },
    ],
    [
      "Safari on macOS (10.15.7 is frozen: no version shown)",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      { browser: "Safari 18", os: "macOS", type: "desktop" },
    ],
    [
      "Firefox on Linux",
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      { browser: "Firefox 128", os: "Linux", type: "desktop" },
    ],
    [
      "Safari on an iPhone",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      { browser: "Safari 18", os: "iOS 18.1", type: "mobile" },
    ],
    [
      "Chrome on Android",
      "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
      { browser: "Chrome 140", os: "Android 15", type: "mobile" },
    ],
    [
      "Safari on an iPad",
      "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      { browser: "Safari 17", os: "iOS 17.5", type: "tablet" },
    ],
    [
      "Edge on Windows",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
      { browser: "Microsoft Edge 140", os: "Windows", type: "desktop" },
    ],
    [
      "a crawler",
      "Googlebot/2.1 (+http://www.google.com/bot.html)",
      { browser: "Googlebot 2", os: "Unknown OS", type: "bot" },
    ],
    ["curl", "curl/8.5.0", { browser: "Unknown browser", os: "Unknown OS", type: "unknown" }],
    ["no header", "", { browser: "Unknown browser", os: "Unknown OS", type: "unknown" }],
    [
      "markup in the header never reaches the label",
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/12<b>8.0",
      { browser: "Firefox 12", os: "Linux", type: "desktop" },
    ],
  ];
  it.each(table)("%s", (_, userAgent, expected) => {
    expect(describeDevice(userAgent)).toEqual(expected);
  });

  it("gives the same answer for null/undefined as for an unknown agent", () => {
    expect(describeDevice(null)).toEqual(describeDevice("curl/8.5.0"));
    expect(describeDevice(undefined)).toEqual(describeDevice("curl/8.5.0"));
  });

  it("parses only the first 512 characters of a huge header, quickly", () => {
    const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    const huge = `${firefox} ${"(".repeat(1_000_000)}`;
    expect(describeDevice(huge)).toEqual(describeDevice(firefox));
    expect(describeDevice(`${" ".repeat(MAX_USER_AGENT_LENGTH)}${firefox}`).browser).toBe("Unknown browser");
  });

  it("labels hold only plain characters", () => {
    for (const ua of ["Firefox/1\u0000<script>", "Chrome/9\"'&;", "Mozilla/5.0 (Linux; Android 1<img>) Chrome/1"]) {
      const d = describeDevice(ua);
      for (const part of [d.browser, d.os, d.type]) expect(part).toMatch(/^[\w .-]*$/);
    }
  });
});

describe("truncateIp", () => {
  it.each([
    ["203.0.113.77", "203.0.113.0/24"],
    ["  10.1.2.3 ", "10.1.2.0/24"],
    ["::ffff:203.0.113.77", "203.0.113.0/24"],
    ["2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::/48"],
    ["2001:DB8:85A3:1:2:3:4:5", "2001:db8:85a3::/48"],
    ["2001:db8::1.2.3.4", "2001:db8::/48"],
    ["::1", "::/48"],
    ["fe80::1%eth0", "fe80::/48"],
    ["1.2.3", ""],
    ["1.2.3.256", ""],
    ["2001:db8:::1", ""],
    ["example.com", ""],
    ["", ""],
    [null, ""],
  ])("%s → %s", (input, expected) => {
    expect(truncateIp(input)).toBe(expected);
  });

  /** A small deterministic generator: the same addresses every run. */
  function* addresses(count: number) {
    let seed = 0x2f6b_4a31;
    const next = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed;
    };
    for (let i = 0; i < count; i++) {
      yield `${next() & 255}.${next() & 255}.${next() & 255}.${next() & 255}`;
      const groups = Array.from({ length: 8 }, () => (next() & 0xffff).toString(16));
      // Zero runs of random length so "::" compression is exercised.
      const zeroFrom = next() % 8;
      const zeroLen = next() % 4;
      for (let g = zeroFrom; g < Math.min(8, zeroFrom + zeroLen); g++) groups[g] = "0";
      yield groups.join(":");
      yield new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
    }
  }

  it("always names a network that contains the address, and never the address itself", () => {
    for (const ip of addresses(500)) {
      const network = truncateIp(ip);
      const [base, bits] = network.split("/");
      const type = isIPv6(ip) ? "ipv6" : "ipv4";
      expect(bits).toBe(type === "ipv6" ? "48" : "24");
      const list = new BlockList();
      list.addSubnet(base!, Number(bits), type);
      expect(list.check(ip, type), `${ip} in ${network}`).toBe(true);
      // Only the network part survives.
      if (type === "ipv4") expect(base!.endsWith(".0")).toBe(true);
    }
  });
});
