import pkg from "../package.json" with { type: "json" };

/** The agent's version, from package.json (embedded in the compiled binary). */
export const AGENT_VERSION: string = pkg.version;
