/**
 * `npm run emulator`: runs cognito-local behind its parity gateway (default port 9229,
 * COGNITO_LOCAL_PORT overrides), seeds it, and stays up until Ctrl-C.
 * Use it beside `npm start`; `npm run dev` starts it for you.
 */
import { startLocalCognito } from "../cognito-local/gateway/index.ts";
import { EMULATOR_DATA_DIR, emulatorTarget, ensureDotEnv, readLocalEnv, seedLocal } from "./lib/local-env.ts";

if (ensureDotEnv()) console.log("[emulator] created .env from .env.example");
const env = readLocalEnv();
const target = emulatorTarget(env);
if (!target) {
  console.error("[emulator] COGNITO_ENDPOINT is not set in .env: the app is configured for AWS, so there is nothing to emulate.");
  process.exit(1);
}
const emulator = await startLocalCognito({
  dataDir: EMULATOR_DATA_DIR,
  port: target.port,
  publicUrl: target.url,
  onLog: (line) => console.log(`[cognito-local] ${line}`),
});
console.log(`[emulator] cognito-local ready at ${target.url} (pid ${emulator.pid}, data in cognito-local/.data)`);
if (!process.argv.includes("--no-seed")) {
  await seedLocal(target.url, env.APP_URL ?? `http://localhost:${env.PORT ?? 3000}`);
}
const shutdown = async () => {
  await emulator.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
