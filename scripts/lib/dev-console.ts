/**
 * What `npm run dev` prints once the app answers: where to go, which sign-in
 * flow `/login` uses and how to switch, and (with the emulator) the demo
 * accounts and where confirmation codes appear. Pure, so it is unit-tested.
 */
import type { FlowChoice } from "../../app/auth/flow.server.ts";
import {
  PASSWORDLESS_SEED_USERS,
  passwordlessGuide,
  type SeedUser,
  totpCommand,
} from "../../app/dev/demo-accounts.server.ts";
import type { LocalIdpPerson } from "../../app/dev/local-idp-people.server.ts";
import type { AuthFlowSetting } from "../../app/env.server.ts";
import type { LocalHostedDomain } from "./local-env.ts";

export interface ReadyInfo {
  seconds: number;
  appUrl: string;
  /** The app's flow choice, from the same code the app uses (null: the config did not parse; the app says why). */
  flow: { setting: AuthFlowSetting; choice: FlowChoice; userAuth?: boolean } | null;
  /** With the local emulator: its URL, where COGNITO_DOMAIN came from, and the seeded accounts. */
  emulator: {
    url: string;
    domain: LocalHostedDomain;
    users: SeedUser[];
    /** The local identity provider (Google and ExampleCorp), its people, and the providers the app offers. */
    idp?: { url: string; people: LocalIdpPerson[]; offered: string[] };
  } | null;
}

const FLOW_NAMES = { hosted: "the Cognito Hosted UI", custom: "the app's sign-in form" } as const;

/** How to change what `/login` does, from where we are. */
export function switchHint(setting: AuthFlowSetting, choice: FlowChoice): string {
  if (setting === "custom") return "For the Hosted UI, set AUTH_FLOW=auto in .env.";
  if (setting === "hosted") return "To offer the app's form too, set AUTH_FLOW=auto in .env.";
  return choice.flow === "hosted"
    ? "To make the app's form the default, set AUTH_FLOW=custom in .env (it is always at /login?flow=custom)."
    : "For the Hosted UI, set COGNITO_DOMAIN in .env.";
}

export function readyLines(info: ReadyInfo): string[] {
  const lines = [`ready in ${info.seconds.toFixed(1)}s`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(28)} ${value}`);
  row("app", `${info.appUrl}/`);
  if (info.flow) {
    const { choice, setting } = info.flow;
    row("sign in: Cognito Hosted UI", choice.hostedAvailable ? `${info.appUrl}/auth/hosted` : `off (${choice.reason})`);
    row(
      "sign in: the app's form",
      choice.customAllowed ? `${info.appUrl}/login?flow=custom` : "off (AUTH_FLOW=hosted)",
    );
    if (info.emulator) row("emulator (API and Hosted UI)", info.emulator.url);
    lines.push(`/login uses ${FLOW_NAMES[choice.flow]} (${choice.reason}). ${switchHint(setting, choice)}`);
    if (info.emulator?.domain.source === "emulator" && choice.hostedAvailable) {
      lines.push("COGNITO_DOMAIN is empty in .env, so the emulator's Hosted UI is used (see .env.local).");
    }
  }
  if (info.emulator) {
    lines.push("demo accounts (local emulator only; also on the home page):");
    for (const user of info.emulator.users) {
      const totp = user.totp ? `, then the code from \`${totpCommand(user.email)}\`` : "";
      lines.push(`  ${user.email} / ${user.password}${totp}  (groups: ${user.groups.join(", ")})`);
      lines.push(`      ${user.demonstrates}`);
    }
    for (const user of PASSWORDLESS_SEED_USERS) {
      lines.push(`  ${user.email} / (no password)  (groups: ${user.groups.join(", ")})`);
      lines.push(`      ${user.demonstrates}`);
    }
    const idp = info.emulator.idp;
    if (idp && idp.offered.length > 0 && info.flow?.choice.hostedAvailable) {
      lines.push(
        `"Continue with ${idp.offered.join('" / "')}" on the sign-in page: the local identity provider at ${idp.url} plays them; sign in there as`,
      );
      for (const person of idp.people) {
        lines.push(`  ${person.email} / ${person.password}`);
        lines.push(`      ${person.demonstrates}`);
      }
    }
    lines.push(
      "confirmation codes (sign-up, forgotten password, email change) and email sign-in codes appear below on [cognito-local] lines.",
    );
    const passwordless =
      info.flow &&
      passwordlessGuide({
        userAuth: info.flow.userAuth,
        customAllowed: info.flow.choice.customAllowed,
        appUrl: info.appUrl,
      });
    if (passwordless) {
      const host = passwordless.passkeyHost;
      lines.push(
        `without a password, on ${info.appUrl}/login?flow=custom: type the email, "Email me a code" (the code is in the "Email sign-in code" box below);`,
        `  passkeys: sign in, ${info.appUrl}/account/passkeys "Add a passkey", sign out, then "Sign in with a passkey" (only on the host ${host}: passkeys are bound to it).`,
      );
    }
  }
  lines.push("Ctrl-C stops the app and the emulator.");
  return lines;
}
