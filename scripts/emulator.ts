/**
 * `npm run emulator`: runs cognito-local behind its parity gateway (default port 9229,
 * COGNITO_LOCAL_PORT overrides), seeds it, and stays up until Ctrl-C.
 * Use it beside `npm start`; `npm run dev` starts it for you.
 */
import {
  emulatorIsUp,
  emulatorTarget,
  ensureDotEnv,
  localIdpIsUp,
  localIdpTarget,
  readLocalEnv,
  seedLocal,
  startDevCognito,
  startDevIdp,
} from "./lib/local-env.ts";

if (ensureDotEnv()) console.log("[emulator] created .env from .env.example");
const env = readLocalEnv();
const target = emulatorTarget(env);
if (!target) {
  console.error(
    "[emulator] COGNITO_ENDPOINT is not set in .env: the app is configured for AWS, so there is nothing to emulate.",
  );
  process.exit(1);
}
if (await emulatorIsUp(target.url)) {
  console.error(`[emulator] a Cognito emulator is already running at ${target.url} (npm run dev?): nothing to start.`);
  process.exit(1);
}
let emulator;
let idp: Awaited<ReturnType<typeof startDevIdp>> | undefined;
const idpTarget = localIdpTarget(env, target);
try {
  if (!(await localIdpIsUp(idpTarget.url))) idp = await startDevIdp(idpTarget, target);
  emulator = await startDevCognito(target, idpTarget.url);
} catch (error) {
  console.error(`[emulator] ${(error as Error).message}`);
  process.exit(1);
}
console.log(`[emulator] cognito-local ready at ${target.url} (pid ${emulator.pid}, data in cognito-local/.data)`);
if (idp) console.log(`[emulator] local identity provider (Google, ExampleCorp) ready at ${idp.issuer}`);
if (!process.argv.includes("--no-seed")) {
  await seedLocal(target.url, env.APP_URL ?? `http://localhost:${env.PORT ?? 3000}`, idpTarget.url);
}
const shutdown = async () => {
  await emulator.stop();
  await idp?.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
