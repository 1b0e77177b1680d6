import { createContext, useContext } from "react";

/**
 * The per-request CSP nonce for Remix's inline scripts. Set on the server by
 * entry.server.tsx; empty in the browser (scripts are already running there).
 */
export const NonceContext = createContext<string>("");
export const useNonce = () => useContext(NonceContext);
