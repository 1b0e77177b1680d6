/**
 * `npm run seed`: creates (or finds) the local user pool, app clients, groups
 * and demo users in the running emulator, and writes the IDs to `.env.local`.
 */
import { emulatorTarget, ensureDotEnv, localIdpTarget, readLocalEnv, seedLocal } from "./lib/local-env.ts";

async function main() {
  if (ensureDotEnv()) console.log("[seed] created .env from .env.example");
  const env = readLocalEnv();
  const target = emulatorTarget(env);
  if (!target) {
    console.error("[seed] COGNITO_ENDPOINT is not set: seeding only runs against the local emulator, never AWS.");
    process.exit(1);
  }
  try {
    await seedLocal(target.url, env.APP_URL ?? `http://localhost:${env.PORT ?? 3000}`, localIdpTarget(env, target).url);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED" || (error as Error).name === "TypeError") {
      console.error(
        `[seed] cannot reach the emulator at ${target.url}: start it with \`npm run emulator\` (or use \`npm run dev\`).`,
      );
    } else {
      console.error(`[seed] failed: ${(error as Error).message}`);
    }
    process.exit(1);
  }
}

await main();
