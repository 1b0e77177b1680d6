/**
 * What every Hosted UI page is given: the gateway's parts it signs in
 * through, the page flows and signed-in sessions it keeps, and `show`, which
 * renders a flow's current page (whichever page module owns that step).
 */
import type { ServerResponse } from "node:http";
import type { CognitoApi } from "../api.ts";
import type { AuthorizationCodes } from "../authorization-codes.ts";
import type { ExpiringStore } from "../expiring-store.ts";
import type { FormMessages } from "../html.ts";
import type { Upstream } from "../upstream.ts";
import type { Flow, Step } from "./flows.ts";
import type { HostedSession } from "./session.ts";

export interface HostedUiOptions {
  upstream: Upstream;
  api: CognitoApi;
  codes: AuthorizationCodes;
  secureCookie: boolean;
  log: (line: string) => void;
  /** Most page flows and signed-in sessions held at once (see GatewayLimits). */
  limits: { flows: number; hostedSessions: number };
  now: () => number;
}

export interface HostedUiContext extends Omit<HostedUiOptions, "limits"> {
  // Anyone can open a sign-in page, so both are bounded: when full, new pages
  // (or sign-ins) are refused and the ones under way carry on (expiring-store.ts).
  flows: ExpiringStore<Flow>;
  sessions: ExpiringStore<HostedSession>;
  /** Answers with the flow's current page (its step's), with an error or a notice. */
  show(res: ServerResponse, flow: Flow, messages?: FormMessages): void;
}

/** A page of a sign-in flow: what it shows, where its form posts, and what a submission does. */
export interface Page {
  /** The path its form posts to (several pages may share one: the challenge pages post to /challenge). */
  action: string;
  render(flow: Flow, messages: FormMessages): string;
  submit(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams): Promise<void>;
}

export type Pages = Record<Step, Page>;
