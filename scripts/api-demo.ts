/**
 * `npm run api:demo`: a machine calling the app's API, step by step — what a
 * cron job or a partner's backend does. It gets an access token from Cognito's
 * token endpoint with the seeded machine client (the client_credentials grant),
 * then calls the API with it, printing each request and answer. The client
 * secret is never printed, and tokens only by their first characters.
 *
 * Needs the app and the emulator running (`npm run dev`) and the seed's
 * `.env.local` (the machine client's ID and secret); nothing to edit.
 */
import { apiDemo, demoSettings } from "./lib/api-demo.ts";
import { ENV_LOCAL_FILE, readLocalEnv } from "./lib/local-env.ts";

const settings = demoSettings(readLocalEnv(), ENV_LOCAL_FILE);
if ("problem" in settings) {
  console.error(`[api:demo] ${settings.problem}`);
  process.exit(1);
}
process.exitCode = (await apiDemo(settings, (line) => console.log(line))) ? 0 : 1;
