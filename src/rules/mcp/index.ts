// Rules of this category; the catalogue in ../index.ts collects them.
import type { Rule } from "../rule.js";
import { mcpConfigCredentials } from "./mcp-config-credentials.js";
import { mcpToolShadowing } from "./mcp-tool-shadowing.js";
import { unauthenticatedRemoteMcpServer } from "./unauthenticated-remote-mcp-server.js";
import { unpinnedMcpServer } from "./unpinned-mcp-server.js";
import { untrustedMcpToolPoisoning } from "./untrusted-mcp-tool-poisoning.js";

export const RULES: readonly Rule[] = [untrustedMcpToolPoisoning, unpinnedMcpServer, mcpToolShadowing, mcpConfigCredentials, unauthenticatedRemoteMcpServer];
