// Synthetic models for benchmarks: units shaped like a real agent system (an
// entry, a client, two agents, tools with mixed capabilities, an MCP server,
// stores, a retrieval source, a pipeline, identities with credentials and
// controls), linked in groups of four units by agent messages so paths cross units.
import { stringify } from "yaml";

/** Components in one unit; a model of N components has N / UNIT_SIZE units. */
export const UNIT_SIZE = 25;
const UNITS_PER_FILE = 100;

export function syntheticModelFiles(components: number): Record<string, string> {
  const units = Math.max(1, Math.round(components / UNIT_SIZE));
  const files: Record<string, string> = {};
  const includes: string[] = [];
  for (let start = 0; start < units; start += UNITS_PER_FILE) {
    const name = `units-${String(start / UNITS_PER_FILE).padStart(4, "0")}.yaml`;
    includes.push(name);
    const lists: Record<string, unknown[]> = {};
    for (let u = start; u < Math.min(units, start + UNITS_PER_FILE); u++) {
      for (const [key, items] of Object.entries(unit(u, units))) (lists[key] ??= []).push(...items);
    }
    files[name] = stringify(lists, { lineWidth: 0 });
  }
  files["threatwright.yaml"] = stringify(
    {
      threatwright: 1,
      system: { id: "synthetic", name: `Synthetic ${components}`, owner: "bench@example.com" },
      review: { owner: "bench@example.com", cadence: "P90D", lastReview: { date: "2026-10-01" } },
      include: includes,
      adversaries: [{ id: "crime", type: "organised-crime", capability: "medium" }],
      boundaries: [
        { id: "internet", type: "internet" },
        { id: "corp", type: "corporate" },
        { id: "vendor", type: "vendor" },
      ],
    },
    { lineWidth: 0 },
  );
  return files;
}

function unit(u: number, units: number): Record<string, unknown[]> {
  const p = (name: string) => `u${u}-${name}`;
  // Units pass work on in groups of four (a realistic multi-agent pipeline), not in one ring across the whole model.
  const next = `u${u % 4 === 3 || u + 1 >= units ? u - (u % 4) : u + 1}-triage`;
  return {
    actors: [
      { id: p("public"), type: "public" },
      { id: p("staff"), type: "employee" },
    ],
    clients: [{ id: p("widget"), type: "web-chat", boundary: "internet", handles: ["renders-markdown", "fetches-images"] }],
    models: [{ id: p("llm"), provider: "Vendor", hosting: "hosted-api", version: "m-1", pinned: u % 7 !== 0, boundary: "vendor", ...(u % 5 === 0 ? { fineTunedOn: [p("dataset")] } : {}) }],
    prompts: [
      { id: p("system-prompt"), role: "system", version: "3", boundary: "corp" },
      { id: p("rules-file"), role: "rules-file", writableBy: u % 4 === 0 ? [p("public")] : [p("staff")] },
    ],
    agents: [
      { id: p("triage"), models: [p("llm")], prompts: [p("system-prompt"), p("rules-file")], tools: [p("search"), p("lookup"), p("notify")], mcpServers: [p("mcp")], runsAs: p("agent-sa"), boundary: "corp" },
      { id: p("actor"), models: [p("llm")], prompts: [p("system-prompt")], tools: [p("update"), p("refund"), p("shell")], runsAs: p("agent-sa"), boundary: "corp" },
    ],
    tools: [
      { id: p("search"), capabilities: [{ action: "read", on: [p("kb")] }] },
      { id: p("lookup"), runsAs: p("db-sa"), capabilities: [{ action: "read", on: [p("orders")] }] },
      { id: p("notify"), capabilities: [{ action: "send", destination: u % 3 === 0 ? "allow-listed" : "any" }] },
      { id: p("update"), runsAs: p("db-sa"), capabilities: [{ action: "write", on: [p("orders")] }] },
      { id: p("refund"), capabilities: [{ action: "spend", on: [p("payments")], limit: { amount: 50, currency: "EUR", per: "action" } }] },
      { id: p("shell"), runsOn: p("runner"), capabilities: [{ action: "execute", on: [p("runner")] }] },
    ],
    mcpServers: [{ id: p("mcp"), transport: "stdio", publisher: "someone", publisherTrust: u % 2 === 0 ? "community" : "vendor", pinned: u % 2 === 0 ? "none" : "digest" }],
    datastores: [
      { id: p("kb"), type: "vector", holds: [p("articles")], boundary: "corp" },
      { id: p("orders"), type: "relational", holds: [p("order-data")], boundary: "corp" },
      { id: p("memory"), type: "memory", boundary: "corp" },
      { id: p("logs"), type: "log", holds: [p("chat")], readableBy: [p("staff")] },
    ],
    sources: [{ id: p("tickets"), type: "tickets", writableBy: [p("public")], holds: [p("ticket-text")], contentTypes: ["text", "pdf"] }],
    services: [
      { id: p("payments"), type: "api", boundary: "vendor" },
      { id: p("runner"), type: "ci-runner", exposure: "internal" },
    ],
    pipelines: [{ id: p("ingest"), type: "embedding-ingestion", runsAs: p("ingest-sa") }],
    datasets: [{ id: p("dataset"), provenance: "internal", holds: [p("order-data")] }],
    data: [
      { id: p("chat"), classification: "confidential", flags: ["personal"] },
      { id: p("articles"), classification: "public" },
      { id: p("order-data"), classification: "confidential", flags: ["personal", "payment"] },
      { id: p("ticket-text"), classification: "confidential", flags: ["personal"] },
    ],
    flows: [
      { id: p("f1"), from: p("public"), to: p("widget"), channel: "api", data: [p("chat")] },
      { id: p("f2"), from: p("widget"), to: p("triage"), channel: "api", data: [p("chat")] },
      { id: p("f3"), from: p("triage"), to: p("widget"), channel: "output", data: [p("chat")] },
      { id: p("f4"), from: p("tickets"), to: p("ingest"), channel: "ingestion", data: [p("ticket-text")] },
      { id: p("f5"), from: p("ingest"), to: p("kb"), channel: "ingestion", data: [p("ticket-text")] },
      { id: p("f6"), from: p("kb"), to: p("triage"), channel: "retrieval" },
      { id: p("f7"), from: p("triage"), to: p("actor"), channel: "message", authenticated: false },
      { id: p("f8"), from: p("triage"), to: p("memory"), channel: "memory" },
      { id: p("f9"), from: p("memory"), to: p("actor"), channel: "memory" },
      { id: p("f10"), from: p("triage"), to: p("logs"), channel: "log", data: [p("chat")] },
      { id: p("f11"), from: p("actor"), to: next, channel: "message" },
      { id: p("f12"), from: p("dataset"), to: p("ingest"), channel: "training" },
    ],
    identities: [
      {
        id: p("agent-sa"),
        type: "service-account",
        owner: "team",
        permissions: [{ resource: p("memory"), actions: ["read", "write"] }],
        credentials: [{ id: p("llm-key"), type: "api-key", lifetime: "static", storage: "env-var", location: "LLM_KEY", presentIn: [p("runner")] }],
      },
      {
        id: p("db-sa"),
        type: "service-account",
        permissions: [{ resource: p("orders"), actions: ["read", "write", "delete"] }],
        credentials: [{ id: p("db-pass"), type: "password", lifetime: "static", storage: "secret-manager", rotation: { period: "P90D", lastRotated: "2026-01-01" } }],
      },
      { id: p("ingest-sa"), type: "workload-identity", owner: "data", permissions: [{ resource: p("kb"), actions: ["write", "delete"] }] },
    ],
    controls: [
      { id: p("rate"), type: "rate-limit", covers: [p("triage")], verified: true, evidence: [{ type: "config", ref: "gw.yaml" }] },
      { id: p("approval"), type: "human-approval", covers: [p("refund")], threshold: { amount: 30, currency: "EUR" } },
      { id: p("isolation"), type: "content-isolation", covers: [p("triage")], status: "partial" },
    ],
    workflows: [{ id: p("flow"), components: [p("public"), p("widget"), p("triage"), p("actor")] }],
  };
}
