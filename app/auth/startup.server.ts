/**
 * One log line at start-up saying which sign-in flow the app will offer, and
 * why — so nobody has to guess what `AUTH_FLOW=auto` picked.
 */

import { describeFlowChoice } from "~/auth/flow.server";
import { getEnv } from "~/env.server";

let logged = false;
export function logStartup(): void {
  if (logged) return;
  logged = true;
  const env = getEnv();
  const choice = describeFlowChoice(env);
  console.info(`[auth] sign-in flow: ${choice.flow} (${choice.reason})`);
  if (env.cognito.endpoint) {
    const msg = `[auth] COGNITO_ENDPOINT=${env.cognito.endpoint}: talking to a Cognito emulator, not AWS`;
    if (env.isProduction) console.warn(`WARNING ${msg}. Do not run production against an emulator.`);
    else console.info(msg);
  }
}
