// The closed vocabularies of the model format. Each list is the single source for
// the schema's enums, the docs and the analysis' lookups.

export const COMPONENT_KINDS = [
  "actor",
  "model",
  "agent",
  "tool",
  "mcp-server",
  "datastore",
  "source",
  "service",
  "client",
  "pipeline",
  "prompt",
  "dataset",
] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export const ELEMENT_KINDS = [
  ...COMPONENT_KINDS,
  "data",
  "flow",
  "boundary",
  "identity",
  "credential",
  "control",
  "adversary",
  "workflow",
] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

export const CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const DATA_FLAGS = [
  "personal",
  "payment",
  "health",
  "credentials",
  "financial",
  "source-code",
  "intellectual-property",
  "biometric",
  "children",
  "government-id",
] as const;

export const ACTOR_TYPES = ["public", "customer", "partner", "contractor", "employee", "admin"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
/** Actor types outside the organisation: always untrusted, and what reaches them has left the company. */
export const OUTSIDER_ACTOR_TYPES: ReadonlySet<string> = new Set<ActorType>(["public", "customer", "partner"]);

/** What a tool or a permission lets its holder do. */
export const ACTIONS = ["read", "write", "delete", "execute", "send", "publish", "spend", "fetch", "admin"] as const;
export type Action = (typeof ACTIONS)[number];
/** Actions with consequences beyond reading: what an approval gates and a steered agent can do harm with. */
export const CONSEQUENTIAL_ACTIONS: ReadonlySet<Action> = new Set<Action>(["write", "delete", "execute", "send", "publish", "spend", "admin"]);

export const DESTINATIONS = ["any", "internal", "allow-listed", "fixed"] as const;
/** Actions that carry something to a destination, the only ones a capability's `destination` applies to. */
export const DESTINATION_ACTIONS: readonly Action[] = ["send", "publish", "fetch"];

/** Whether a capability or effect is a way out whose recipient or URL the caller may choose: a destination action not fixed to one place. */
export function choosesDestination(way: { action: Action; destination?: (typeof DESTINATIONS)[number] }): boolean {
  return DESTINATION_ACTIONS.includes(way.action) && way.destination !== "fixed";
}

/**
 * Whether the caller may choose a recipient or URL outside the organisation: a way out to an attacker.
 * A send or post to any channel of the organisation's own chat workspace (internal) reaches colleagues,
 * not whoever wrote the instructions.
 */
export function reachesOutside(way: { action: Action; destination?: (typeof DESTINATIONS)[number] }): boolean {
  return choosesDestination(way) && way.destination !== "internal";
}

export const EXPOSURES = ["internet", "partner", "internal", "local"] as const;
export const AUTHENTICATIONS = ["none", "api-key", "oauth", "session", "mtls", "iam", "basic"] as const;

export const MODEL_HOSTING = ["hosted-api", "self-hosted", "on-device"] as const;
/** What a model does with its input: generates text, labels or scores it, or embeds it for retrieval. */
export const MODEL_TASKS = ["generation", "classification", "embedding"] as const;
export const ARTIFACT_SOURCES = ["vendor", "internal", "public-hub"] as const;
export const ARTIFACT_FORMATS = ["safetensors", "gguf", "onnx", "pickle", "pytorch", "tensorflow", "other"] as const;

export const AUTONOMY_LEVELS = ["suggest", "supervised", "autonomous"] as const;

export const MCP_TRANSPORTS = ["stdio", "http", "sse", "streamable-http"] as const;
export const PUBLISHER_TRUST = ["first-party", "vendor", "community", "unknown"] as const;
export const PIN_LEVELS = ["none", "version", "digest"] as const;

export const DATASTORE_TYPES = [
  "relational",
  "document",
  "key-value",
  "vector",
  "memory",
  "object",
  "log",
  "analytics",
  "cache",
  "queue",
  "file-share",
  "secrets",
  "code-repository",
] as const;
export const TENANCY = ["single", "shared"] as const;

export const SOURCE_TYPES = [
  "web",
  "email",
  "tickets",
  "documents",
  "chat",
  "code-repository",
  "issue-tracker",
  "comments",
  "api",
  "feed",
  "file-share",
  "crm",
  "calendar",
] as const;
export const CONTENT_TYPES = ["text", "markdown", "html", "pdf", "image", "office", "code", "audio"] as const;

export const SERVICE_TYPES = [
  "web-app",
  "api",
  "gateway",
  "agent-gateway",
  "inference-server",
  "dashboard",
  "ci-runner",
  "code-host",
  "erp",
  "email",
  "sandbox",
  "runtime",
  "queue",
  "review-queue",
  "other",
] as const;

export const CLIENT_TYPES = ["web-chat", "ide", "email-client", "chat-app", "cli", "mobile-app", "web-page"] as const;

/** What a recipient does with text produced by a model or agent. */
export const OUTPUT_HANDLING = [
  "plain-text",
  "renders-markdown",
  "fetches-images",
  "unfurls-links",
  "renders-links",
  "renders-html",
  "executes-code",
  "executes-shell",
  "executes-sql",
  "sends-email",
  "publishes",
  "stores-for-others",
] as const;
export type OutputHandling = (typeof OUTPUT_HANDLING)[number];

export const PIPELINE_TYPES = ["training", "fine-tuning", "embedding-ingestion", "evaluation", "etl", "batch"] as const;

export const PROMPT_ROLES = ["system", "developer", "instructions", "rules-file", "skill", "tool-description", "template"] as const;

export const DATASET_PROVENANCE = ["internal", "customer", "public", "vendor", "scraped", "synthetic"] as const;
/** Where a dataset's labels come from; past-decisions carry the bias of the people who made them. */
export const DATASET_LABELS = ["past-decisions", "annotation", "outcomes", "none"] as const;

export const FLOW_CHANNELS = [
  "api",
  "retrieval",
  "tool-call",
  "message",
  "memory",
  "ingestion",
  "training",
  "email",
  "file",
  "output",
  "event",
  "log",
] as const;

export const BOUNDARY_TYPES = ["internet", "corporate", "vendor", "tenant", "cloud-account", "runner", "sandbox", "network-segment"] as const;

export const IDENTITY_TYPES = [
  "service-account",
  "api-key",
  "oauth-app",
  "workload-identity",
  "bot",
  "personal-access-token",
  "github-app",
  "deploy-key",
] as const;
export const ENVIRONMENTS = ["production", "staging", "development", "ci"] as const;

export const CREDENTIAL_TYPES = [
  "api-key",
  "password",
  "token",
  "oauth-client-secret",
  "oauth-refresh-token",
  "certificate",
  "ssh-key",
  "federated",
] as const;
export const CREDENTIAL_LIFETIMES = ["static", "short-lived"] as const;
export const CREDENTIAL_STORAGE = [
  "env-var",
  "secret-manager",
  "vault",
  "config-file",
  "ci-secret",
  "kubernetes-secret",
  "source-code",
  "mcp-config",
  "keychain",
  "browser-profile",
] as const;

export const CONTROL_TYPES = [
  "human-approval",
  "output-validation",
  "output-encoding",
  "output-obfuscation",
  "content-isolation",
  "input-filtering",
  "egress-allowlist",
  "rate-limit",
  "spend-limit",
  "sandbox",
  "least-privilege",
  "memory-hardening",
  "signed-artifacts",
  "pinned-artifacts",
  "telemetry",
  "secret-rotation",
  "secret-scanning",
  "tenant-isolation",
  "authentication",
  "authorization",
  "data-minimisation",
  "differential-privacy",
  "model-monitoring",
  "red-teaming",
  "fairness-testing",
  "dependency-scanning",
  "human-review-path",
  "kill-switch",
] as const;
export type ControlType = (typeof CONTROL_TYPES)[number];
export const CONTROL_STATUS = ["implemented", "partial", "planned"] as const;
export const EVIDENCE_TYPES = ["file", "test", "config", "link", "ticket", "doc"] as const;
/** The evidence reference a proposed control carries until the team names the real one (threatwright plan); TW-GOV-005 counts it as none. */
export const EVIDENCE_TO_FILL_IN = "to fill in: where the control can be seen working";

export const DECISION_STATUS = ["open", "mitigating", "mitigated", "accepted", "transferred", "false-positive"] as const;
export type DecisionStatus = (typeof DECISION_STATUS)[number];

export const ADVERSARY_TYPES = [
  "opportunistic",
  "organised-crime",
  "insider",
  "state",
  "hacktivist",
  "competitor",
  "researcher",
] as const;
export const LEVELS = ["low", "medium", "high"] as const;
/** What a human approval does when nobody answers in time: hold the action, or let it go ahead (opt-out review). */
export const UNANSWERED = ["waits", "proceeds"] as const;

export const REVIEW_TRIGGERS = [
  "prompt",
  "model-version",
  "tool",
  "mcp-server",
  "retrieval-source",
  "identity",
  "permission",
  "credential",
  "retraining",
  "boundary",
  "data",
  "control",
  "automated-decision",
  "risk-class",
  "accepted-risk",
] as const;

export const EU_AI_ACT_RISK = ["minimal", "limited", "high", "prohibited", "gpai"] as const;

/** What to call one element of a kind in a sentence: "data" is a mass noun. */
export function kindNoun(kind: string): string {
  return kind === "data" ? "data element" : kind;
}

/** "a tool", "an agent", "an mcp-server": for messages and docs. */
export function withArticle(kind: string): string {
  return /^([aeiou]|mcp)/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** "a", "a and b", "a, b and c": words in a sentence. */
export function joinWords(words: readonly string[], conjunction: "and" | "or" = "and"): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} ${conjunction} ${words[words.length - 1]}`;
}
