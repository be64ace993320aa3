// The model format, defined once. Types, validation, the JSON Schema for editors
// and docs/model.md are all derived from the schemas in this file.
import { z } from "zod";
import * as v from "./vocabulary.js";
import type { ElementKind } from "./vocabulary.js";

export const FORMAT_VERSION = 1;

/** Reference fields, keyed by their schema instance, so the resolver and the docs can find them. */
export const referenceTargets = new Map<z.ZodType, readonly ElementKind[]>();

/** "a, b or c": alternatives in a description. */
const orList = (words: readonly string[]) => (words.length <= 2 ? words.join(" or ") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`);
/** "tools", "boundaries", "data": a kind's plural in a description. */
const plural = (kind: string) => (kind === "data" ? kind : kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : `${kind}s`);

function ref(kinds: readonly ElementKind[], description: string) {
  const schema = z
    .string()
    .min(1)
    .meta({ description: `${description} (ID of ${orList(kinds.map((k) => v.withArticle(v.kindNoun(k))))}).` });
  referenceTargets.set(schema, kinds);
  return schema;
}

function refs(kinds: readonly ElementKind[], description: string) {
  return z.array(ref(kinds, description)).meta({ description: `${description} (IDs of ${orList(kinds.map(plural))}).` });
}

const text = (description: string) => z.string().meta({ description });
const oneOf = <T extends readonly [string, ...string[]]>(values: T, description: string) => z.enum(values).meta({ description: `${description}.` });
const date = (description: string) => z.iso.date().meta({ description: `${description} (YYYY-MM-DD).` });
const duration = (description: string) =>
  z
    .string()
    .regex(/^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, { message: "expected an ISO 8601 duration such as P90D, P12W, P6M or P1Y" })
    .meta({ description: `${description} (ISO 8601 duration: P90D, P12W, P6M, P1Y).` });

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const id = z
  .string()
  .regex(ID_PATTERN, { message: "an ID is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit" })
  .meta({ description: "Unique ID of this element across the whole model; other elements refer to it by this ID." });

const common = {
  id,
  name: text("Human-readable name; defaults to the ID.").optional(),
  description: text("What this element is and does, in a sentence or two.").optional(),
  tags: z.array(z.string()).meta({ description: "Free-form labels for filtering." }).optional(),
};

const componentCommon = {
  ...common,
  owner: text("Team or person accountable for this component (an email or a team name).").optional(),
  boundary: ref(["boundary"], "Trust boundary this component sits in").optional(),
};

const runtime = {
  runsAs: ref(["identity"], "Non-human identity this component acts as").optional(),
  runsOn: ref(["service"], "Host or runtime where this component executes; credentials present there are within its reach").optional(),
};

const exposure = {
  exposure: oneOf(v.EXPOSURES, "Who can reach this component's interface over the network").optional(),
  authentication: oneOf(v.AUTHENTICATIONS, "How callers of this component's interface authenticate").optional(),
};

const writers = {
  writableBy: refs(["actor"], "Actors who can put content into this element").optional(),
};

const readers = {
  readableBy: refs(["actor"], "Actors who can read the stored content directly (dashboards, analysts, a wiki's members): asking an agent for it gains them nothing").optional(),
};

/** Who reads what a client or service shows: an answer in a channel is read by all its members. */
const audience = {
  readableBy: refs(
    ["actor"],
    "Actors who read what appears here, besides the person who asked: every member of a chat channel where the agent answers or posts, guests included. An answer is trimmed to the asker's rights, so data its sources do not let a reader open reaches them (TW-EXF-006). Leave it out for a place only the asker sees, such as a one-to-one chat",
  ).optional(),
};

/** Whose sessions what an entry's writers put in reaches, in a system that serves several tenants. */
const entryTenancy = {
  tenancy: oneOf(
    v.TENANCY,
    "In a system that serves several tenants: whether each tenant has its own (single: what a tenant's people write here reaches only their own tenant's sessions, like the custom instructions an admin sets for their workspace) or one serves them all (shared). Left out, what its writers put in may reach anyone's session",
  ).optional(),
};

const holds = {
  holds: refs(["data"], "Data this element stores or contains").optional(),
};

export const Actor = z
  .strictObject({
    ...common,
    type: oneOf(
      v.ACTOR_TYPES,
      "Who this is: anyone on the internet (public), an authenticated customer, a partner or supplier, a contractor, an employee, or an administrator. Public, customer and partner actors are untrusted sources of text; contractors and employees are too once the model names an insider adversary (only those its `via` names, when it names any); administrators only when an insider adversary names them. Any actor another adversary's `via` names is untrusted too, whatever its type: the adversary comes in as them (callers posing as employees, stolen accounts), and one that does not sign in (authenticated: false) is then as exposed as the public",
    ),
    authenticated: z.boolean().meta({ description: "Whether the actor signs in before interacting." }).optional(),
    boundary: ref(["boundary"], "Trust boundary the actor acts from").optional(),
  })
  .meta({
    title: "Actor",
    description: "A person or organisation that uses or feeds the system.",
    examples: [{ id: "customers", name: "Customers", type: "customer", authenticated: false }],
  });

export const ModelArtifact = z
  .strictObject({
    source: oneOf(v.ARTIFACT_SOURCES, "Where the weights come from"),
    format: oneOf(v.ARTIFACT_FORMATS, "Serialisation format of the weights; pickle-based formats can execute code when loaded").optional(),
    digest: text("Content digest the deployment pins, such as sha256:…").optional(),
    signed: z.boolean().meta({ description: "Whether the artifact's signature is verified before loading." }).optional(),
  })
  .meta({ title: "Model artifact", description: "The model weights a self-hosted model loads." });

export const AutomatedDecision = z
  .strictObject({
    what: text("The decision in words, such as which sanctions screening hits are false positives."),
    stakes: oneOf(v.LEVELS, "What a wrong decision costs: low, medium or high"),
    aboutPeople: z
      .boolean()
      .meta({ description: "Whether the decision is about a person (credit, onboarding, hiring, claims): it brings EU AI Act human-oversight duties." })
      .optional(),
  })
  .meta({
    title: "Automated decision",
    description:
      "For an agent or a model whose answer is itself a decision that the system acts on without a person checking each one (a screening verdict, a credit or claims decision, a routing gate, a fraud score that blocks a payment): what it decides and what a wrong decision costs. An attacker who steers the agent decides instead (TW-MIS-002); one who evades or poisons the model gets the decision they want (TW-DAT-011, TW-DAT-002); and one who steers an agent whose output feeds it (through stores and services) gets the decision too, so at high stakes that agent's prompt-injection findings weigh more.",
  });

export const Model = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    ...exposure,
    provider: text("Who provides the model (vendor or internal team)."),
    hosting: oneOf(v.MODEL_HOSTING, "Whether the model is called through a vendor API, served by the team, or runs on the user's device"),
    task: oneOf(
      v.MODEL_TASKS,
      "What the model does: generates text (generation, the default), labels or scores its input (classification: fraud, risk, moderation, malware or spam models), or embeds text for retrieval (embedding)",
    ).optional(),
    version: text("Model name and version as called, such as gpt-4.1-2025-04-14.").optional(),
    pinned: z.boolean().meta({ description: "Whether calls name an exact version rather than an alias that moves." }).optional(),
    fineTunedOn: refs(["dataset"], "Datasets this model was fine-tuned or trained on").optional(),
    artifact: ModelArtifact.optional(),
    decision: AutomatedDecision.optional(),
  })
  .meta({
    title: "Model",
    description: "A language or other ML model the system calls.",
    examples: [{ id: "chat-llm", provider: "OpenAI", hosting: "hosted-api", version: "gpt-4.1-2025-04-14", pinned: true }],
  });

export const Agent = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    models: refs(["model"], "Models this agent calls; required, except for another organisation's agent (thirdParty)").min(1).optional(),
    thirdParty: z
      .boolean()
      .meta({
        description:
          "The agent is another organisation's (a partner's agent reached over A2A): what it says to the team's agents is third-party text, an untrusted entry like a partner's, and the analysis does not look inside it (its models, prompts, tools, MCP servers, autonomy and decision are the other party's, so leave them out; a diff does not count changes to them). What the team's agents send it beyond the data its flows list is a way out (TW-EXF-001)",
      })
      .optional(),
    prompts: refs(["prompt"], "System prompts, instruction files, rules files and skills the agent loads").optional(),
    tools: refs(["tool"], "Tools the agent may call").optional(),
    mcpServers: refs(["mcp-server"], "MCP servers the agent connects to; all their tools and tool descriptions reach it").optional(),
    autonomy: oneOf(v.AUTONOMY_LEVELS, "Whether a person applies each action (suggest), approves it (supervised) or the agent acts alone (autonomous). Where only some tools need a person's click, say so with a human-approval control on those tools: on a tool such a control gates, supervised is not counted again").optional(),
    decision: AutomatedDecision.optional(),
  })
  .meta({
    title: "Agent",
    description:
      "A component that puts together a model's context and acts on what the model answers: a planner that calls tools, or a RAG backend that retrieves passages and makes one model call per question (an agent without tools). Injection, retrieval and exfiltration rules look at agents, so write such a backend as an agent, not a service. Memory and retrieval are flows to and from datastores.",
    examples: [{ id: "support-agent", models: ["chat-llm"], prompts: ["support-system-prompt"], tools: ["lookup-order", "send-email"], autonomy: "autonomous" }],
  });

export const SpendLimit = z
  .strictObject({
    amount: z.number().nonnegative().meta({ description: "Largest amount allowed." }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: "expected an ISO 4217 currency code: three capital letters, such as EUR or USD" })
      .meta({ description: "ISO 4217 currency code, such as EUR." }),
    per: oneOf(["action", "hour", "day", "month"] as const, "What the limit applies to: each action, or a total per period").optional(),
  })
  .meta({ title: "Spend limit", description: "A limit on an amount of money." });

export const Capability = z
  .strictObject({
    action: oneOf(v.ACTIONS, "What the tool does: read, write, delete, execute code or commands, send outside, publish publicly, spend money, fetch arbitrary URLs, or administer. A change that decides what code runs is execute, not write: patching a deployment's image or command, creating a pod or a job, exec into a container, editing a CI workflow"),
    on: refs(
      ["datastore", "source", "service", "dataset", "model", "client", "pipeline", "prompt", "mcp-server"],
      "Resources the action applies to. For execute: where the code runs (a job the tool dispatches to a CI service runs on that service); without it, the code runs where the tool runs, and can read what is there",
    ).optional(),
    destination: oneOf(
      v.DESTINATIONS,
      `For ${v.joinWords(v.DESTINATION_ACTIONS)}: whether the agent may choose any recipient or URL, any inside the organisation only (internal: any channel of its own chat workspace, any colleague's mailbox, any host on its own network; shared channels with other organisations are not internal), only allow-listed ones, or a fixed one`,
    ).optional(),
    limit: SpendLimit.optional().meta({ description: "For spend: the most the tool may spend." }),
    returns: refs(
      ["data"],
      "For read: the data the read hands back to the agent, when it is less than what its resources hold (some fields of a record). `[]` for a check that answers only yes or no, such as matching a booking reference and surname to a booking: the agent learns whether they match, not the record. Without it, a read returns what its resources hold",
    ).optional(),
    fills: refs(
      ["credential", "data"],
      "For write: secrets or data the action types into the page or form the agent has open (a login broker that enters a portal password, a card fill at checkout), without showing them to the model. Whoever serves that page receives them: where the agent can open pages of its own choosing, a look-alike page it was steered to or found gets them (TW-NHI-012). An egress allow-list on the tool (it fills only on the origins it names) is the origin binding against that. A fill changes no stored data, so it is not counted as a change to the resource",
    ).optional(),
    description: text("What the action does in this system, including side effects.").optional(),
  })
  .meta({ title: "Capability", description: "One thing a tool can do, and on what." });

export const Tool = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    server: ref(["mcp-server"], "MCP server that provides this tool").optional(),
    delegated: z
      .boolean()
      .meta({
        description:
          "true when the tool calls with the asking person's own delegated token (OAuth on-behalf-of, the user's session): it can read and do only what that person may, so asking the agent gains nobody more than their own rights (no TW-PRV-001 or TW-PRV-002), and it does not use the grants of the identity it runs as or on. A steered agent still acts with the rights of whoever it is working for.",
      })
      .optional(),
    capabilities: z.array(Capability).min(1).meta({ description: "Everything the tool can do; list each action once with its resources." }),
  })
  .meta({
    title: "Tool",
    description: "A function an agent can call.",
    examples: [{ id: "issue-refund", runsAs: "payments-sa", capabilities: [{ action: "spend", on: ["payments-api"], limit: { amount: 50, currency: "EUR", per: "action" } }] }],
  });

export const McpServer = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    ...exposure,
    transport: oneOf(v.MCP_TRANSPORTS, "How the client talks to the server"),
    publisher: text("Who publishes the server's code or service."),
    publisherTrust: oneOf(v.PUBLISHER_TRUST, "How far the publisher is trusted: the team itself, a known vendor, a community author, or unknown"),
    package: text("Package or image the server is installed from, such as an npm package name.").optional(),
    url: text("Endpoint of a remote server.").optional(),
    version: text("Version in use.").optional(),
    pinned: oneOf(v.PIN_LEVELS, "Whether the installed server is pinned to nothing, an exact version, or a content digest").optional(),
  })
  .meta({
    title: "MCP server",
    description: "A Model Context Protocol server. Its tools are tool elements that name it as their server.",
    examples: [{ id: "web-fetch-mcp", transport: "stdio", publisher: "community author", publisherTrust: "community", package: "mcp-fetch", pinned: "none" }],
  });

export const Datastore = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    ...writers,
    ...holds,
    ...readers,
    type: oneOf(v.DATASTORE_TYPES, "Kind of store; vector and memory stores feed model contexts"),
    tenancy: oneOf(
      v.TENANCY,
      "Whether the store holds one tenant's data or several tenants' side by side. In a shared store, a customer or partner actor its readableBy names reads their own tenant's part",
    ).optional(),
  })
  .meta({
    title: "Datastore",
    description: "A database, vector store, memory store, object store or log.",
    examples: [{ id: "orders-db", type: "relational", holds: ["order-records"] }],
  });

export const Source = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    ...writers,
    ...readers,
    ...holds,
    ...entryTenancy,
    type: oneOf(v.SOURCE_TYPES, "What the source is"),
    contentTypes: z.array(z.enum(v.CONTENT_TYPES)).meta({ description: "Formats of the content it delivers; attachments and HTML can hide instructions." }).optional(),
  })
  .meta({
    title: "Source",
    description: "A retrieval source or connector: web pages, an inbox, tickets, shared documents, comments.",
    examples: [{ id: "support-tickets", type: "tickets", writableBy: ["customers"], holds: ["ticket-text"] }],
  });

export const Service = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    ...exposure,
    ...holds,
    ...audience,
    type: oneOf(v.SERVICE_TYPES, "What the service is; agent gateways, inference servers and dashboards are control planes"),
    handles: z
      .array(z.enum(v.OUTPUT_HANDLING))
      .meta({ description: "What the service does with model or agent output it receives; unfurls-links means it fetches the URLs in the text for a preview, without a click (Slack and Teams do this server-side)." })
      .optional(),
  })
  .meta({
    title: "Service",
    description: "A backend, API, host or runtime that is neither a model nor a store.",
    examples: [{ id: "ci-runner", type: "ci-runner", exposure: "internal" }],
  });

export const Client = z
  .strictObject({
    ...componentCommon,
    ...audience,
    type: oneOf(v.CLIENT_TYPES, "What kind of client"),
    handles: z
      .array(z.enum(v.OUTPUT_HANDLING))
      .meta({ description: "How it presents model output; fetches-images means markdown images load without a click, unfurls-links that the URLs in the text are fetched for a preview (Slack, Teams), also without a click." })
      .min(1),
  })
  .meta({
    title: "Client",
    description: "Where people see model output: a chat widget, an IDE, an email client.",
    examples: [{ id: "chat-widget", type: "web-chat", handles: ["renders-markdown", "renders-links"] }],
  });

export const Pipeline = z
  .strictObject({
    ...componentCommon,
    ...runtime,
    type: oneOf(v.PIPELINE_TYPES, "What the pipeline produces"),
    schedule: text("When it runs, such as nightly or on merge.").optional(),
  })
  .meta({
    title: "Pipeline",
    description: "A training, fine-tuning or embedding-ingestion job. Its inputs and outputs are flows.",
    examples: [{ id: "nightly-embedding", type: "embedding-ingestion", schedule: "nightly" }],
  });

export const Prompt = z
  .strictObject({
    ...componentCommon,
    ...writers,
    ...holds,
    ...entryTenancy,
    role: oneOf(v.PROMPT_ROLES, "What the text is to the agent"),
    version: text("Version or revision of the prompt.").optional(),
    path: text("File in the repository that holds the prompt. A prompt people edit (writableBy) with neither path nor storedIn is taken to be edited live, outside version control (TW-GOV-007).").optional(),
    storedIn: ref(["datastore", "source", "service"], "Repository or store that holds the file. Where set, only a change to it changes the prompt; unset, a rules file or skill is taken to live in every repository its agent can write").optional(),
  })
  .meta({
    title: "Prompt",
    description: "A system prompt or instruction file, treated as a versioned asset. A rules file the agent loads from whatever repository is open (the .cursorrules or AGENTS.md of a cloned project) is a prompt kept in that repository (storedIn) and written by its authors (writableBy).",
    examples: [{ id: "support-system-prompt", role: "system", version: "14", path: "prompts/support.md" }],
  });

export const Dataset = z
  .strictObject({
    ...componentCommon,
    ...writers,
    ...holds,
    provenance: oneOf(v.DATASET_PROVENANCE, "Where the records come from"),
    labels: oneOf(
      v.DATASET_LABELS,
      "Where the labels a model learns from come from: past-decisions (what people decided before on the same question, such as who was hired or which claims were paid: a model trained on them repeats their bias, TW-DAT-014), annotation (labelled for the purpose), outcomes (what later happened, such as a loan repaid) or none (no labels: a pre-training or retrieval corpus)",
    ).optional(),
    location: text("Where the dataset is kept.").optional(),
  })
  .meta({
    title: "Dataset",
    description: "Training, fine-tuning or evaluation data.",
    examples: [{ id: "invoices-2025", provenance: "internal", holds: ["invoice-fields"] }],
  });

export const Data = z
  .strictObject({
    ...common,
    classification: oneOf(v.CLASSIFICATIONS, "How sensitive the data is"),
    flags: z.array(z.enum(v.DATA_FLAGS)).meta({ description: "Categories that raise how sensitive the data is (docs/scoring.md); on data classified public, only restricted categories (credentials, payment, health and the like) raise it for disclosure." }).optional(),
    credentials: refs(
      ["credential"],
      "For data flagged credentials: the modelled credentials whose values it is (the job environment's copy of the keys). Code that reads it is then reported once per credential, with the identity each unlocks. Secrets with no credential element of their own (an engineer's ~/.aws, ~/.ssh or git token on a laptop, since identities are non-human) leave it out and count as the data itself",
    ).optional(),
    belongsTo: refs(
      ["actor"],
      "Whose data it is: the people each record is about, for data they supply or that is derived from what they supply (an applicant's passport and the fields read from it belong to the applicants). An attacker who is one of them already has their own record: an agent that holds only the record of the case at hand puts nothing of theirs at stake, and findings count the data only where it comes from a store of everyone's records. A tool read that a verified authorization control binds to the person asking is not such a store for the people who ask (they get their own records), but is for someone who injects content (they get the records of whoever the agent serves)",
    ).optional(),
  })
  .meta({
    title: "Data",
    description: "A kind of information the system handles.",
    examples: [{ id: "order-records", classification: "confidential", flags: ["personal", "payment"] }],
  });

const COMPONENT_REF = v.COMPONENT_KINDS;

export const FlowSession = z
  .strictObject({
    of: ref(["actor"], "The actor who starts the session and signs in to it (the clinician recording the visit, the account holder who linked the speaker)"),
    asks: z.boolean().meta({
      description:
        "Whether the system takes what the sender says as requests. false: the agent works on it as content and takes requests only from the session's owner (a patient speaking in a visit the clinician records); the sender can still inject instructions, but does not start runs or ask for records. true: the sender asks for things in the owner's name (anyone in earshot of a speaker its owner linked); a check that records belong to the person asking then checks the owner, so the sender gets the owner's records and spends the owner's money.",
    }),
  })
  .meta({
    title: "Flow session",
    description:
      "For a flow from an actor who speaks or writes into a session another actor started and signed in to, where the system cannot tell the two apart: whose session it is, and whether the sender's words are taken as requests.",
    examples: [{ of: "clinicians", asks: false }],
  });

export const Flow = z
  .strictObject({
    ...common,
    from: ref(COMPONENT_REF, "Component the data leaves"),
    to: ref(COMPONENT_REF, "Component the data reaches"),
    data: refs(["data"], "Data carried. Between two agents, a request's data (what people sent the first agent) says the first passes their request on as it is: the second then acts for them (a router handing the user's question to a worker), where a flow of a task the first agent wrote names other data").optional(),
    channel: oneOf(v.FLOW_CHANNELS, "What kind of movement this is"),
    protocol: text("Protocol, such as HTTPS or SMTP.").optional(),
    authenticated: z.boolean().meta({ description: "Whether the receiving end authenticates the sender." }).optional(),
    encrypted: z.boolean().meta({ description: "Whether the flow is encrypted in transit." }).optional(),
    perCase: z
      .boolean()
      .meta({
        description:
          "true when the flow hands the receiver one case's record at a time (the application being screened, the queue item being worked on), not what the store or source it leaves holds for everyone. For data that belongs to the people it is about (belongsTo), an attacker who is that case then has only their own record at stake through this flow; a tool that reads the whole store still counts.",
      })
      .optional(),
    session: FlowSession.optional(),
    relays: refs(
      ["flow"],
      "For a flow that leaves a client or service: the flows into it whose content this flow carries on, where it routes rather than passing everything on (a backend that hands the scribe app's audio to one agent and the nurse chat's questions to another). Given, nothing else that reaches the client or service travels this flow; an empty list carries only what it makes itself. Left out, everything that reaches it may",
    ).optional(),
  })
  .meta({
    title: "Flow",
    description: "Data moving from one component to another: requests, retrieval, memory reads and writes, messages between agents, output to a client.",
    examples: [{ id: "retrieve-articles", from: "help-index", to: "support-agent", channel: "retrieval", data: ["help-articles"] }],
  });

export const Boundary = z
  .strictObject({
    ...common,
    type: oneOf(v.BOUNDARY_TYPES, "What separates inside from outside"),
    parent: ref(["boundary"], "Enclosing boundary").optional(),
  })
  .meta({
    title: "Boundary",
    description: "A trust boundary: components inside share a level of trust.",
    examples: [{ id: "vendor-llm", type: "vendor", name: "LLM vendor" }],
  });

export const Permission = z
  .strictObject({
    resource: ref(COMPONENT_REF, "Resource the permission is on"),
    actions: z.array(z.enum(v.ACTIONS)).min(1).meta({ description: "Actions granted on the resource. Calling a model is read and spend (execute, where a cloud names it invoke, is read as the same call)." }),
    scope: text("Provider's name for the grant, such as repo or workflow.").optional(),
    limit: SpendLimit.optional().meta({
      description:
        "For spend: the most the identity may spend, such as a billing cap or quota on a metered API key. A cap on the total per hour, day or month makes spending through this grant a known cost rather than money moved at will: findings no longer count it among the damaging actions.",
    }),
    description: text("What the grant covers.").optional(),
  })
  .meta({ title: "Permission", description: "What an identity is allowed to do, whether or not it uses it." });

export const Rotation = z
  .strictObject({
    period: duration("Rotation period"),
    lastRotated: date("When the credential was last rotated").optional(),
  })
  .meta({ title: "Rotation", description: "How often the credential is replaced." });

export const Credential = z
  .strictObject({
    ...common,
    type: oneOf(v.CREDENTIAL_TYPES, "What kind of secret or token"),
    lifetime: oneOf(v.CREDENTIAL_LIFETIMES, "Static (valid until revoked) or short-lived (issued per session or job)"),
    storage: oneOf(v.CREDENTIAL_STORAGE, "Where the secret is kept. browser-profile: a browser's cookie jar or saved logins, such as the portal session a browser agent holds after logging in"),
    location: text("Name of the variable, path or secret; never the value.").optional(),
    presentIn: refs(COMPONENT_REF, "Components whose environment, configuration or memory holds the secret").optional(),
    scopes: z.array(z.string()).meta({ description: "Provider scopes the credential carries." }).optional(),
    rotation: Rotation.optional(),
    expires: date("When the credential stops working").optional(),
  })
  .meta({
    title: "Credential",
    description: "A secret that authenticates an identity. The model names where it is, never its value.",
    examples: [{ id: "llm-api-key", type: "api-key", lifetime: "static", storage: "env-var", location: "OPENAI_API_KEY", presentIn: ["chat-backend"] }],
  });

export const Identity = z
  .strictObject({
    ...common,
    type: oneOf(v.IDENTITY_TYPES, "What kind of non-human identity"),
    provider: text("Where the identity lives, such as AWS IAM or GitHub.").optional(),
    owner: text("Person or team accountable for the identity.").optional(),
    environments: z.array(z.enum(v.ENVIRONMENTS)).meta({ description: "Environments the identity is used in." }).optional(),
    humanUse: z.boolean().meta({ description: "Whether people also sign in or run commands with it." }).optional(),
    lastUsed: date("When the identity was last used").optional(),
    permissions: z.array(Permission).meta({ description: "Everything the identity is granted." }).optional(),
    credentials: z.array(Credential).meta({ description: "Secrets that authenticate as this identity." }).optional(),
  })
  .meta({
    title: "Identity",
    description: "A non-human identity: service account, API key, OAuth app, workload identity or bot.",
    examples: [
      {
        id: "orders-sa",
        type: "service-account",
        owner: "orders-team",
        permissions: [{ resource: "orders-db", actions: ["read", "write"] }],
        credentials: [{ id: "orders-db-password", type: "password", lifetime: "static", storage: "secret-manager", rotation: { period: "P90D", lastRotated: "2026-09-01" } }],
      },
    ],
  });

export const Evidence = z
  .strictObject({
    type: oneOf(v.EVIDENCE_TYPES, "What kind of evidence"),
    ref: text("Path, test name, config key, URL or ticket."),
    note: text("What it shows.").optional(),
  })
  .meta({ title: "Evidence", description: "Where to see that a control exists." });

export const Control = z
  .strictObject({
    ...common,
    type: oneOf(v.CONTROL_TYPES, "What the control does. Where code runs in a sandbox (a dev container, a throwaway VM), write the sandbox as the service the tool runs on (runsOn) rather than as a sandbox control: then the analysis sees which credentials and data are on the sandbox and which stay out of reach, while a control only takes steps off the likelihood. Checking who a person is (sign-in, a caller's one-time code) is the actor's `authenticated`, and a check that tools reach only that person's own records is `authorization`; `authentication` is for the machine callers of an interface (mTLS, signed messages, keys). A `rate-limit` counts as a cap on how often the covered element acts, per period: a budget per conversation is not one, since an attacker starts another. `fairness-testing` compares a model's or agent's decisions across groups of people (selection or error rates by gender, age or ethnicity, or their proxies) before release and after each retraining; it is not red-teaming, which tests against attackers. `output-obfuscation` is a model's answers made coarser on purpose (a label only, scores rounded or in bands, the top result only: MITRE ATLAS AML.M0002 Passive AI Output Obfuscation), so each answer tells a caller probing the model less; checking what an answer says before it is used is `output-validation`"),
    covers: refs(v.ELEMENT_KINDS, "Elements the control protects").min(1),
    status: oneOf(v.CONTROL_STATUS, "Whether the control is in place, partly in place or only planned").optional(),
    threshold: SpendLimit.optional().meta({ description: "For human-approval and spend-limit: the amount above which the control applies." }),
    condition: text(
      "For a human approval that applies to some actions only: the condition in words, such as 'risk score 0.7 or more, or a screening match'. Like a threshold, a condition halves the approval's credit: actions outside it go through unapproved.",
    ).optional(),
    routedBy: refs(
      ["agent", "model"],
      "For a human approval: the agents and models whose output decides which actions are sent for approval (a risk-based routing gate, a screening verdict). Routing is a condition, so it halves the approval's credit; a router that reads untrusted text, or a classifier fed attacker-controlled input, lets the attacker keep actions away from the approver, and the approval then counts for nothing (TW-HUM-002)",
    ).optional(),
    approvers: refs(
      ["actor"],
      "For a human approval: the people who may approve. An approver outside the organisation (a partner, customer or public actor) halves the approval's credit; naming approvers documents who holds the decision",
    ).optional(),
    separateFromRequester: z
      .boolean()
      .meta({
        description:
          "For a human approval: true when the approval tool enforces that the approver is not the person whose request led to the action (four eyes). Meaningful only with approvers: without it, an approver who also asks an agent the approval gates for actions (directly, through clients and services, or by writing in a chat source it listens to) could approve their own request, and the approval's credit is halved where an insider adversary covers that approver, against findings whose attacker is that approver.",
      })
      .optional(),
    unanswered: oneOf(
      v.UNANSWERED,
      "For a human approval: what happens when no approver answers in time. waits (the default): the action is held until someone approves. proceeds: silence lets it go ahead (an opt-out review, such as 'rejected unless a recruiter steps in within 48 hours'); actions nobody looks at go through, so it halves the approval's credit like a condition, and it is no human oversight of an automated decision about people (TW-GOV-008)",
    ).optional(),
    evidence: z.array(Evidence).meta({ description: "Where the control can be seen working." }).optional(),
    verified: z.boolean().meta({ description: "Whether someone checked the evidence." }).optional(),
    verifiedOn: date("When it was last checked").optional(),
  })
  .meta({
    title: "Control",
    description: "A safeguard that exists, what it covers, and the evidence for it.",
    examples: [
      {
        id: "payment-approval",
        type: "human-approval",
        covers: ["create-payment"],
        threshold: { amount: 10000, currency: "EUR" },
        evidence: [{ type: "config", ref: "erp/approval-rules.yaml#high-value" }],
        verified: true,
      },
      {
        id: "compliance-approval",
        type: "human-approval",
        covers: ["provisioning-agent"],
        condition: "risk score 0.7 or more, or a possible sanctions match",
        routedBy: ["orchestrator-agent", "risk-classifier"],
        approvers: ["compliance-officers"],
        separateFromRequester: true,
        verified: true,
      },
    ],
  });

export const Decision = z
  .strictObject({
    finding: text("Stable ID of the finding this decision is about."),
    status: oneOf(v.DECISION_STATUS, "Where the finding stands"),
    owner: text("Who is accountable.").optional(),
    due: date("When mitigation is due").optional(),
    ticket: text("Tracking ticket.").optional(),
    justification: text("Why this status was chosen.").optional(),
    expires: date("When an acceptance or transfer lapses").optional(),
    reviewed: date("When the decision was last reviewed").optional(),
    controls: refs(["control"], "Controls that mitigate the finding").optional(),
  })
  .meta({
    title: "Decision",
    description: "What the team decided about a finding, keyed by its stable ID.",
    examples: [{ finding: "TW-EXF-001@support-agent+send-customer-email", status: "accepted", owner: "appsec@example.com", justification: "Only order status, no personal data, reaches the agent", expires: "2027-03-31" }],
  });

export const Adversary = z
  .strictObject({
    ...common,
    type: oneOf(v.ADVERSARY_TYPES, "Kind of adversary. An insider makes the model's employees and contractors untrusted sources of text, so the injection and misuse rules look at what they write and ask too; with `via`, only the actors it names and those who write to what it names"),
    capability: oneOf(v.LEVELS, "Skill and resources"),
    motivation: text("What they want.").optional(),
    via: refs(
      v.COMPONENT_KINDS,
      "Where this adversary gets in: the actors they act as or the things they write to or publish (a source, a store, an MCP server, a prompt). An actor named here is an untrusted entry whatever its type (an employee the adversary poses as). A finding's attacker capability counts the most capable adversary coming in through its entry; an adversary without `via` may come in anywhere. A service, a model or an agent the team runs is no way in (loading warns), except an inference endpoint outsiders reach (a self-hosted model or inference server on the internet or partner networks); another organisation's agent (thirdParty) is one",
    ).optional(),
  })
  .meta({
    title: "Adversary",
    description: "An adversary worth defending against.",
    examples: [{ id: "fraudsters", type: "organised-crime", capability: "medium", motivation: "Payments and refunds to their accounts", via: ["customers"] }],
  });

export const Workflow = z
  .strictObject({
    ...common,
    owner: text("Team accountable for the workflow.").optional(),
    components: refs(COMPONENT_REF, "Components that take part in this workflow").min(1),
  })
  .meta({
    title: "Workflow",
    description: "One use of the system (a RAG search, a support agent), analysed on its own and with the others.",
    examples: [{ id: "support-chat", components: ["customers", "chat-widget", "support-agent", "chat-llm"] }],
  });

export const Review = z
  .strictObject({
    owner: text("Who owns the threat model's review."),
    cadence: duration("Longest time between reviews"),
    lastReview: z
      .strictObject({
        date: date("When the review happened"),
        by: text("Who reviewed.").optional(),
        commit: text("Commit of the model that was reviewed. Quote it: an all-digit short hash would otherwise be read as a number.").optional(),
        notes: text("What was concluded.").optional(),
      })
      .optional()
      .meta({ title: "Last review", description: "The last completed review." }),
    triggers: z.array(z.enum(v.REVIEW_TRIGGERS)).meta({ description: "Changes that call for a review; all by default." }).optional(),
  })
  .meta({
    title: "Review policy",
    description: "Who reviews the model, how often, and what triggers a review.",
    examples: [{ owner: "appsec@example.com", cadence: "P90D", lastReview: { date: "2026-10-01", by: "appsec@example.com" } }],
  });

export const System = z
  .strictObject({
    id,
    name: text("Name of the system."),
    description: text("What the system does and for whom.").optional(),
    owner: text("Team accountable for the system."),
    repository: text("Where the system's code lives.").optional(),
    euAiActRisk: oneOf(v.EU_AI_ACT_RISK, "Risk class under the EU AI Act, where the team has assessed it").optional(),
    materialLoss: z
      .strictObject({
        amount: z.number().positive().meta({ description: "The smallest loss counted as material." }),
        currency: SpendLimit.shape.currency,
      })
      .meta({
        title: "Material loss",
        description:
          "The smallest loss of money the organisation counts as material (its risk appetite, as the team or its finance function sets it). A cap on spending at or above it (on a spend capability, a spend-limit control or a metered grant) bounds nothing that matters, so findings do not count it; one below it takes a step off their impact. Left out, or in another currency than the cap's, every cap counts.",
      })
      .optional(),
  })
  .meta({
    title: "System",
    description: "The system the model describes.",
    examples: [{ id: "support-assistant", name: "Support assistant", description: "Answers customers' questions about their orders.", owner: "support-team@example.com", euAiActRisk: "limited", materialLoss: { amount: 1000, currency: "EUR" } }],
  });

/** The element lists a model file may hold; included files contribute to the same lists. */
const elementLists = {
  actors: z.array(Actor).meta({ description: "People and organisations that use or feed the system." }).optional(),
  models: z.array(Model).meta({ description: "Models the system calls." }).optional(),
  agents: z.array(Agent).meta({ description: "LLM-driven components that plan and call tools." }).optional(),
  tools: z.array(Tool).meta({ description: "Tools agents can call." }).optional(),
  mcpServers: z.array(McpServer).meta({ description: "Model Context Protocol servers that agents connect to." }).optional(),
  datastores: z.array(Datastore).meta({ description: "Databases, vector, memory and object stores, logs." }).optional(),
  sources: z.array(Source).meta({ description: "Retrieval sources and connectors." }).optional(),
  services: z.array(Service).meta({ description: "Backends, hosts and control planes." }).optional(),
  clients: z.array(Client).meta({ description: "Where people see model output." }).optional(),
  pipelines: z.array(Pipeline).meta({ description: "Training, fine-tuning and ingestion jobs." }).optional(),
  prompts: z.array(Prompt).meta({ description: "System prompts and instruction files." }).optional(),
  datasets: z.array(Dataset).meta({ description: "Training and evaluation data." }).optional(),
  data: z.array(Data).meta({ description: "Kinds of information handled." }).optional(),
  flows: z.array(Flow).meta({ description: "Data moving between components." }).optional(),
  boundaries: z.array(Boundary).meta({ description: "Trust boundaries." }).optional(),
  identities: z.array(Identity).meta({ description: "Non-human identities with their permissions and credentials." }).optional(),
  controls: z.array(Control).meta({ description: "Safeguards in place." }).optional(),
  decisions: z.array(Decision).meta({ description: "Decisions on findings." }).optional(),
  adversaries: z.array(Adversary).meta({ description: "Adversaries worth defending against." }).optional(),
  workflows: z.array(Workflow).meta({ description: "Uses of the system, analysed on their own." }).optional(),
};

export type ElementListKey = keyof typeof elementLists;
export const ELEMENT_LIST_KEYS = Object.keys(elementLists) as ElementListKey[];

/** The kind of element each top-level list holds (decisions are keyed by finding, not by ID). */
export const LIST_KIND: Record<Exclude<ElementListKey, "decisions">, ElementKind> = {
  actors: "actor",
  models: "model",
  agents: "agent",
  tools: "tool",
  mcpServers: "mcp-server",
  datastores: "datastore",
  sources: "source",
  services: "service",
  clients: "client",
  pipelines: "pipeline",
  prompts: "prompt",
  datasets: "dataset",
  data: "data",
  flows: "flow",
  boundaries: "boundary",
  identities: "identity",
  controls: "control",
  adversaries: "adversary",
  workflows: "workflow",
};

const include = z
  .array(z.string().min(1))
  .meta({ description: "Further model files to merge into this one, relative to this file and inside the model's root folder." })
  .optional();

export const RootFile = z
  .strictObject({
    threatwright: z.literal(FORMAT_VERSION).meta({ description: `Version of the model format; write ${FORMAT_VERSION}.` }),
    system: System,
    review: Review.optional(),
    include,
    ...elementLists,
  })
  .meta({
    title: "Threatwright model",
    description: "The root file of a Threatwright model (threatwright.yaml).",
    examples: [
      {
        threatwright: FORMAT_VERSION,
        system: { id: "support-assistant", name: "Support assistant", owner: "support-team@example.com" },
        review: { owner: "appsec@example.com", cadence: "P90D" },
        include: ["agents.yaml", "identities.yaml"],
        actors: [{ id: "customers", type: "customer", authenticated: true }],
      },
    ],
  });

export const IncludedFile = z
  .strictObject({
    include,
    ...elementLists,
  })
  .meta({
    title: "Threatwright model fragment",
    description: "A file included from the root model or from another included file; it adds elements to the same lists.",
    examples: [
      {
        agents: [{ id: "support-agent", models: ["chat-llm"], tools: ["lookup-order"] }],
        tools: [{ id: "lookup-order", capabilities: [{ action: "read", on: ["orders-db"] }] }],
      },
    ],
  });

export type RootFile = z.infer<typeof RootFile>;
export type IncludedFile = z.infer<typeof IncludedFile>;
export type Actor = z.infer<typeof Actor>;
export type Model = z.infer<typeof Model>;
export type ModelArtifact = z.infer<typeof ModelArtifact>;
export type Agent = z.infer<typeof Agent>;
export type Tool = z.infer<typeof Tool>;
export type Capability = z.infer<typeof Capability>;
export type McpServer = z.infer<typeof McpServer>;
export type Datastore = z.infer<typeof Datastore>;
export type Source = z.infer<typeof Source>;
export type Service = z.infer<typeof Service>;
export type Client = z.infer<typeof Client>;
export type Pipeline = z.infer<typeof Pipeline>;
export type Prompt = z.infer<typeof Prompt>;
export type Dataset = z.infer<typeof Dataset>;
export type Data = z.infer<typeof Data>;
export type Flow = z.infer<typeof Flow>;
export type Boundary = z.infer<typeof Boundary>;
export type Identity = z.infer<typeof Identity>;
export type Permission = z.infer<typeof Permission>;
export type Credential = z.infer<typeof Credential>;
export type Control = z.infer<typeof Control>;
export type SpendLimit = z.infer<typeof SpendLimit>;
export type Decision = z.infer<typeof Decision>;
export type Adversary = z.infer<typeof Adversary>;
export type Workflow = z.infer<typeof Workflow>;
export type Review = z.infer<typeof Review>;
export type System = z.infer<typeof System>;
