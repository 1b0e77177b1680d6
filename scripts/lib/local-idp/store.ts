/**
 * What the local identity provider keeps: its signing key and cookie keys
 * (made once, then reused, so the emulator's cached JWKS and the browser's
 * cookies stay valid across restarts) and oidc-provider's own records
 * (sessions, grants, codes, interactions), all in one directory beside the
 * emulator's data. Written atomically through the gateway's JsonStore.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { JsonStore } from "../../../cognito-local/gateway/json-store.ts";

/** A private signing key as a JWK (RSA, with its `kid`). */
export type PrivateJwk = Record<string, string> & { kid: string; kty: string };

interface Secrets {
  signingKey: PrivateJwk | null;
  cookieKeys: string[];
}

/**
 * The provider's signing key and cookie keys: read from `secrets.json` in
 * `dir`, or made (RSA 2048, kid from its creation time) and written there the
 * first time. Without `dir` they are made fresh and kept in memory.
 */
export function loadSecrets(dir: string | undefined): { signingKey: PrivateJwk; cookieKeys: string[] } {
  const store = new JsonStore<Secrets>(dir, "secrets.json", () => ({ signingKey: null, cookieKeys: [] }));
  if (!store.data.signingKey || store.data.cookieKeys.length === 0) {
    store.update((draft) => {
      if (!draft.signingKey) {
        const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const jwk = privateKey.export({ format: "jwk" }) as Record<string, string>;
        draft.signingKey = {
          ...jwk,
          kty: "RSA",
          kid: `local-idp-${Date.now().toString(36)}`,
          use: "sig",
          alg: "RS256",
        };
      }
      if (draft.cookieKeys.length === 0) draft.cookieKeys = [randomBytes(32).toString("base64url")];
    });
  }
  return { signingKey: store.data.signingKey!, cookieKeys: [...store.data.cookieKeys] };
}

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; absent: kept until destroyed. */
  expiresAt?: number;
}

interface Records {
  entries: Record<string, Entry>;
}

/** Most records kept; past this, expired ones go first, then the oldest. */
const MAX_RECORDS = 10_000;

/**
 * oidc-provider's storage adapter over one JSON document: every model's
 * records keyed `<model>:<id>`, with the secondary look-ups it needs (by
 * session uid, by user code, by grant). Small enough for a development
 * provider; every change is on disk before the provider answers.
 */
export class RecordStore {
  private readonly store: JsonStore<Records>;

  constructor(dir: string | undefined) {
    this.store = new JsonStore<Records>(dir, "records.json", () => ({ entries: {} }));
  }

  /** The adapter factory for oidc-provider's `adapter` setting. */
  readonly adapter = (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        this.store.update((draft) => {
          draft.entries[key(id)] = {
            payload,
            expiresAt: typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : undefined,
          };
          prune(draft.entries);
        });
      },
      find: async (id) => this.live(key(id)),
      findByUid: async (uid) => this.findWhere(model, (p) => p.uid === uid),
      findByUserCode: async (userCode) => this.findWhere(model, (p) => p.userCode === userCode),
      consume: async (id) => {
        if (!this.live(key(id))) return;
        this.store.update((draft) => {
          const entry = draft.entries[key(id)];
          if (entry) entry.payload = { ...entry.payload, consumed: Math.floor(Date.now() / 1000) };
        });
      },
      destroy: async (id) => {
        if (!(key(id) in this.store.data.entries)) return;
        this.store.update((draft) => {
          delete draft.entries[key(id)];
        });
      },
      revokeByGrantId: async (grantId) => {
        this.store.update((draft) => {
          for (const [k, entry] of Object.entries(draft.entries)) {
            if (entry.payload.grantId === grantId) delete draft.entries[k];
          }
        });
      },
    };
  };

  private live(k: string): AdapterPayload | undefined {
    const entry = this.store.data.entries[k];
    if (!entry || (entry.expiresAt !== undefined && entry.expiresAt <= Date.now())) return undefined;
    return entry.payload;
  }

  private findWhere(model: string, test: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    for (const [k, entry] of Object.entries(this.store.data.entries)) {
      if (k.startsWith(`${model}:`) && test(entry.payload)) return this.live(k);
    }
    return undefined;
  }
}

function prune(entries: Record<string, Entry>): void {
  const now = Date.now();
  for (const [k, entry] of Object.entries(entries)) {
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) delete entries[k];
  }
  const keys = Object.keys(entries);
  // Insertion order is age order: drop the oldest beyond the cap.
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_RECORDS))) delete entries[k];
}
