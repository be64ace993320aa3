// What changed between two versions of a model, element by element, and whether the
// change is material (a full review) or a delta (a review of what changed). Pure.
import type { PreparedModel } from "../analysis/analyze.js";
import { prepareModel } from "../analysis/analyze.js";
import { askerOrigins, forwardedThrough } from "../analysis/askers.js";
import { entryPoints } from "../analysis/untrusted-content.js";
import { THIRD_PARTY_INTERNALS } from "../model/agent-checks.js";
import type { ThreatModel } from "../model/model.js";
import { LIST_KIND } from "../model/schema.js";
import type { ElementListKey } from "../model/schema.js";
import type { ElementKind } from "../model/vocabulary.js";

/** Element kinds as the diff reports them: the model's kinds plus the system, the review policy and decisions. */
export type DiffKind = "system" | "review" | ElementKind | "decision";

/** The order changes are reported in: the system first, then the lists as docs/model.md has them. */
export const DIFF_KIND_ORDER: readonly DiffKind[] = [
  "system",
  "review",
  "boundary",
  "actor",
  "client",
  "service",
  "model",
  "agent",
  "prompt",
  "tool",
  "mcp-server",
  "datastore",
  "source",
  "pipeline",
  "dataset",
  "data",
  "flow",
  "identity",
  "credential",
  "control",
  "adversary",
  "workflow",
  "decision",
];

export type ChangeType = "added" | "removed" | "changed";

export interface ElementChange {
  kind: DiffKind;
  id: string;
  change: ChangeType;
  /** For "changed": the fields that differ, as paths (tools, capabilities[0].on, rotation.period). */
  fields: string[];
  /** Only free text changed (descriptions, names, tags, notes): never material. */
  cosmetic: boolean;
  /** A material reason names this element. */
  material: boolean;
}

export type MaterialCode = "boundary" | "entry-point" | "identity" | "permission" | "credential" | "capability" | "blast-radius";

export interface MaterialReason {
  code: MaterialCode;
  /** The element the reason is about. */
  element: string;
  message: string;
}

export type Classification = "material" | "delta" | "unchanged";

export interface ModelDiff {
  classification: Classification;
  /** Why the change is material; empty for a delta. */
  reasons: MaterialReason[];
  /** In DIFF_KIND_ORDER, then by ID. */
  changes: ElementChange[];
  counts: Record<ChangeType, number>;
}

/** One element of a model, keyed for comparison. */
export interface ElementRecord {
  kind: DiffKind;
  id: string;
  value: Record<string, unknown>;
}

const LIST_KEYS = Object.keys(LIST_KIND) as Exclude<ElementListKey, "decisions">[];

/** Key of an element: kind and ID, so an ID reused by another kind reads as a removal plus an addition. */
export const elementKey = (kind: DiffKind, id: string) => `${kind}\u0000${id}`;

/**
 * Every element of the model by kind and ID. Credentials are elements of their own (their
 * identity becomes an `identity` field, so moving one between identities is a change), and an
 * identity is compared without its credentials, so each change is reported once.
 */
export function indexElements(model: ThreatModel): Map<string, ElementRecord> {
  const index = new Map<string, ElementRecord>();
  const add = (kind: DiffKind, id: string, value: Record<string, unknown>) => index.set(elementKey(kind, id), { kind, id, value });
  add("system", model.system.id, model.system);
  if (model.review) add("review", "review", model.review);
  for (const key of LIST_KEYS) {
    const kind = LIST_KIND[key];
    for (const element of model[key] as { id: string }[]) {
      if (kind !== "identity") {
        add(kind, element.id, element as Record<string, unknown>);
        continue;
      }
      const { credentials, ...identity } = element as ThreatModel["identities"][number];
      add("identity", element.id, identity);
      for (const credential of credentials ?? []) add("credential", credential.id, { ...credential, identity: element.id });
    }
  }
  for (const decision of model.decisions) add("decision", decision.finding, decision);
  return index;
}

/**
 * JSON with keys sorted and lists compared as sets (the order of tools, covers or permissions
 * carries no meaning), so two elements are equal exactly when their canonical texts are.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).sort().join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** The paths at which two values differ; lists of records of equal length are compared item by item. */
export function changedFields(before: unknown, after: unknown, at = ""): string[] {
  if (canonicalJson(before) === canonicalJson(after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedFields(before[key], after[key], at ? `${at}.${key}` : key));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && before.every(isRecord) && after.every(isRecord)) {
    const items = before.flatMap((item, i) => changedFields(item, after[i], `${at}[${i}]`));
    if (items.length > 0) return items;
  }
  return [at];
}

/** Free text: a change to these alone never changes the system's security. */
const FREE_TEXT = new Set(["description", "name", "tags", "note", "notes", "motivation"]);

/** The last field name of a path: capabilities[0].description -> description. */
const leaf = (field: string) => field.slice(field.lastIndexOf(".") + 1).replace(/\[\d+\]$/, "");
/** The first field name of a path: capabilities[0].on -> capabilities. */
export const head = (field: string) => /^[^.[]+/.exec(field)?.[0] ?? field;

export const isFreeText = (field: string) => FREE_TEXT.has(leaf(field));

/** Credential fields that are bookkeeping of a rotation rather than a change of the secret. */
const CREDENTIAL_BOOKKEEPING = new Set(["rotation.lastRotated", "expires"]);
/** Identity fields that describe it without changing what it can do. */
const IDENTITY_BOOKKEEPING = new Set(["owner", "lastUsed"]);
/** Tool fields that change what the tool does or with whose rights. */
const TOOL_CAPABILITY = new Set(["capabilities", "server", "runsOn", "delegated"]);

export interface DiffOptions {
  /**
   * What the material checks need from the analysis: the models prepared as analyze prepares
   * them (prepareModel), so analyze can take them over (options.prepared). The CLI builds them
   * once; built here otherwise.
   */
  facts?: { before: PreparedModel; after: PreparedModel };
}

export function diffModels(before: ThreatModel, after: ThreatModel, options: DiffOptions = {}): ModelDiff {
  const old = indexElements(before);
  const now = indexElements(after);
  const changes: ElementChange[] = [];
  for (const [key, record] of now) {
    const earlier = old.get(key);
    if (!earlier) {
      changes.push({ kind: record.kind, id: record.id, change: "added", fields: [], cosmetic: false, material: false });
      continue;
    }
    // Most elements are unchanged and written the same way: the native serialisation settles
    // them; the canonical one (order-free lists) only runs on the rest.
    if (JSON.stringify(earlier.value) === JSON.stringify(record.value) || canonicalJson(earlier.value) === canonicalJson(record.value)) continue;
    const fields = changedFields(earlier.value, record.value);
    changes.push({ kind: record.kind, id: record.id, change: "changed", fields, cosmetic: fields.every(isFreeText), material: false });
  }
  for (const [key, record] of old) if (!now.has(key)) changes.push({ kind: record.kind, id: record.id, change: "removed", fields: [], cosmetic: false, material: false });

  const rank = new Map(DIFF_KIND_ORDER.map((kind, i) => [kind, i]));
  changes.sort((a, b) => rank.get(a.kind)! - rank.get(b.kind)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const facts = options.facts ?? { before: prepareModel(before), after: prepareModel(after) };
  const entry = entryPointReasons(before, after, facts);
  // New writers that make the element an untrusted entry point, or a more exposed one, are said once, by that reason.
  const structural = structuralReasons(changes, old, now).filter((r) => !(newWriters.has(r) && entry.some((e) => e.element === r.element)));
  const reasons = [...structural, ...entry, ...blastRadiusReasons(before, after, facts)];
  const materialElements = new Set(reasons.map((r) => r.element));
  for (const change of changes) change.material = materialElements.has(change.id);

  const counts: Record<ChangeType, number> = { added: 0, removed: 0, changed: 0 };
  for (const change of changes) counts[change.change]++;
  return { classification: reasons.length > 0 ? "material" : changes.length > 0 ? "delta" : "unchanged", reasons, changes, counts };
}

/**
 * A field of another organisation's agent (thirdParty on the new side) that the analysis does not read:
 * its models, tools, autonomy and the like are the other party's, so a change to them is nobody's review here.
 */
function isThirdPartyInternal(agent: Record<string, unknown> | undefined, field: string): boolean {
  return agent?.thirdParty === true && (THIRD_PARTY_INTERNALS as readonly string[]).includes(head(field));
}

const NOUN: Partial<Record<DiffKind, string>> = { "mcp-server": "MCP server", boundary: "trust boundary", data: "data element" };
const noun = (kind: DiffKind) => NOUN[kind] ?? kind;
const list = (ids: readonly string[]) => ids.map((id) => `'${id}'`).join(", ");
const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** Reasons read off the changed elements: boundaries, identities, permissions, credentials, capabilities. */
/**
 * How an agent's or a model's decision changed as far as it weighs (its stakes, and whether it is about people),
 * in words: "decision stakes changed from high to high, about people"; undefined when that did not change.
 */
export function decisionChange(was: Record<string, unknown> | undefined, is: Record<string, unknown> | undefined): string | undefined {
  const stakes = (element: Record<string, unknown> | undefined) => {
    const decision = element?.decision as { stakes?: unknown; aboutPeople?: unknown } | undefined;
    return decision ? `${str(decision.stakes) ?? "unset"}${decision.aboutPeople === true ? ", about people" : ""}` : undefined;
  };
  const [before, after] = [stakes(was), stakes(is)];
  if (before === after) return undefined;
  return before === undefined ? `now declares a decision (stakes ${after})` : after === undefined ? `no longer declares a decision (it had stakes ${before})` : `decision stakes changed from ${before} to ${after}`;
}

/** The reasons that say a prompt, source or store gained writers (structuralReasons), which an entry-point reason about the same element says better. */
const newWriters = new WeakSet<MaterialReason>();

function structuralReasons(changes: readonly ElementChange[], old: Map<string, ElementRecord>, now: Map<string, ElementRecord>): MaterialReason[] {
  const reasons: MaterialReason[] = [];
  const reason = (code: MaterialCode, element: string, message: string) => reasons.push({ code, element, message });
  for (const change of changes) {
    const { kind, id } = change;
    const was = old.get(elementKey(kind, id))?.value;
    const is = now.get(elementKey(kind, id))?.value;
    if (kind === "control") {
      const weakened = controlWeakening(was, is);
      // A new type is not a weaker control, only another one: say what stops counting, not that less is held back.
      if (weakened && is && str(is.type) !== str(was?.type)) reason("blast-radius", id, `control '${id}' ${weakened}: findings that counted it as ${str(was?.type)} on ${list(strings(was?.covers))} no longer do, and those that take ${str(is.type)} may`);
      else if (weakened) reason("blast-radius", id, `control '${id}' (${str(was?.type) ?? "?"}) ${weakened}: what it held back on ${list(strings(was?.covers))} is less held back`);
      continue;
    }
    // Whose data it is decides whether an attacker among its owners is after it: claiming owners takes it off what is at stake.
    if (kind === "data" && change.change === "changed") {
      const owners = strings(is?.belongsTo).filter((a) => !strings(was?.belongsTo).includes(a));
      if (owners.length > 0) reason("blast-radius", id, `data element '${id}' now belongs to ${list(owners)}: where one of them is the attacker and it is passed on for their own case, findings no longer count it as at stake`);
    }
    if (kind === "flow" && change.change === "changed" && is?.perCase === true && was?.perCase !== true) {
      reason("blast-radius", id, `flow '${id}' now hands '${str(is.to)}' one case's record at a time: where the attacker is that case, findings no longer count their record as at stake`);
    }
    // Whose session an actor speaks in decides who is asking and whom a check on the asker checks.
    if (kind === "flow" && change.change === "changed" && change.fields.some((f) => head(f) === "session")) {
      const session = is?.session as { of?: unknown; asks?: unknown } | undefined;
      reason("entry-point", id, session ? `flow '${id}' now carries what '${str(is?.from)}' say${session.asks === true ? " as requests" : ", as content and not requests,"} into a session '${str(session.of)}' started` : `flow '${id}' no longer says '${str(is?.from)}' speak in someone else's session`);
    }
    if (change.change !== "changed") {
      const verb = change.change;
      if (kind === "boundary") reason("boundary", id, `trust boundary '${id}' ${verb}`);
      else if (kind === "identity") reason("identity", id, `identity '${id}' ${verb}`);
      else if (kind === "credential") reason("credential", id, `credential '${id}' ${verb}`);
      else if (kind === "tool") reason("capability", id, `tool '${id}' ${verb}`);
      else if (kind === "mcp-server") reason("capability", id, `MCP server '${id}' ${verb}: its tools and tool descriptions ${verb === "added" ? "reach" : "no longer reach"} the agents that connect to it`);
      continue;
    }
    const fields = change.fields.filter((f) => !isFreeText(f) && !(kind === "agent" && isThirdPartyInternal(is, f)));
    if (fields.length === 0) continue;
    const heads = new Set(fields.map(head));
    if (kind === "boundary") reason("boundary", id, `trust boundary '${id}' changed (${fields.join(", ")})`);
    if (heads.has("boundary") && kind !== "boundary") {
      const from = str(was?.boundary);
      const to = str(is?.boundary);
      reason("boundary", id, `${noun(kind)} '${id}' ${from && to ? `moved from trust boundary '${from}' to '${to}'` : to ? `placed in trust boundary '${to}'` : `taken out of trust boundary '${from}'`}`);
    }
    if (heads.has("runsAs")) {
      const from = str(was?.runsAs);
      const to = str(is?.runsAs);
      reason("identity", id, `${noun(kind)} '${id}' ${to ? `now acts as identity '${to}'` : "no longer acts as an identity"}${from ? ` (was '${from}')` : ""}`);
    }
    if (kind === "identity") {
      const permissions = fields.filter((f) => head(f) === "permissions");
      const other = fields.filter((f) => head(f) !== "permissions" && !IDENTITY_BOOKKEEPING.has(f));
      if (permissions.length > 0) reason("permission", id, `permissions of identity '${id}' changed (${permissions.join(", ")})`);
      if (other.length > 0) reason("identity", id, `identity '${id}' changed (${other.join(", ")})`);
    }
    if (kind === "credential") {
      const material = fields.filter((f) => !CREDENTIAL_BOOKKEEPING.has(f));
      if (material.length > 0) reason("credential", id, `credential '${id}' changed (${material.join(", ")})`);
    }
    if (kind === "tool") {
      const capability = fields.filter((f) => TOOL_CAPABILITY.has(head(f)));
      if (capability.length > 0) reason("capability", id, `what tool '${id}' can do changed (${capability.join(", ")})`);
    }
    if (kind === "agent") {
      for (const field of ["tools", "mcpServers"] as const) {
        if (!heads.has(field)) continue;
        const a = strings(was?.[field]);
        const b = strings(is?.[field]);
        const added = b.filter((x) => !a.includes(x));
        const removed = a.filter((x) => !b.includes(x));
        const what = field === "tools" ? "tools" : "MCP servers";
        reason("capability", id, `agent '${id}' ${[added.length ? `gained ${what} ${list(added)}` : "", removed.length ? `lost ${what} ${list(removed)}` : ""].filter(Boolean).join(" and ") || `${what} changed`}`);
      }
      if (heads.has("autonomy")) reason("blast-radius", id, `agent '${id}' autonomy changed from ${str(was?.autonomy) ?? "unset"} to ${str(is?.autonomy) ?? "unset"}: who applies its actions`);
    }
    if ((kind === "agent" || kind === "model") && heads.has("decision")) {
      // What an agent's or a model's answer decides is part of what steering, evading or poisoning it costs; rewording the decision is not.
      const what = decisionChange(was, is);
      if (what) reason("blast-radius", id, `${kind} '${id}' ${what}: what ${kind === "agent" ? "a steered answer" : "an evaded or poisoned answer"} decides`);
    }
    if (kind === "mcp-server") {
      // Other code, or code that may change at the next install, runs with what the server holds and writes what its agents read.
      const source = MCP_SOURCE_FIELDS.filter((f) => heads.has(f));
      if (source.length > 0) reason("blast-radius", id, `MCP server '${id}' now comes from elsewhere (${source.join(", ")}): other code runs with what it holds and writes the descriptions its agents read`);
      const [from, to] = [str(was?.pinned), str(is?.pinned)];
      if (heads.has("pinned") && PIN_STRENGTH[to ?? "none"]! < PIN_STRENGTH[from ?? "none"]!) {
        reason("blast-radius", id, `MCP server '${id}' pinning weakened from ${from ?? "not stated"} to ${to ?? "not stated"}: an install can run code nobody reviewed`);
      }
    }
    // The material loss decides which caps on spending count: raising it, dropping it or changing its currency lets more of them count
    // (stating one where there was none, or lowering it, only counts fewer: the re-scored findings show it).
    if (kind === "system" && heads.has("materialLoss")) {
      const [from, to] = [was?.materialLoss as { amount: number; currency: string } | undefined, is?.materialLoss as { amount: number; currency: string } | undefined];
      const words = (loss: typeof from) => (loss ? `${loss.amount} ${loss.currency}` : "not stated");
      if (from && (!to || to.currency !== from.currency || to.amount > from.amount)) {
        reason("blast-radius", id, `the material loss changed from ${words(from)} to ${words(to)}: caps on spending ${to ? `under ${words(to)}` : "of any amount"} now count as bounding the harm`);
      }
    }
    // A model that starts learning from a dataset takes what the data holds into its weights: whoever shapes the data
    // shapes the model (poisoning), and what it holds can be drawn out again (memorisation).
    if (kind === "model" && heads.has("fineTunedOn")) {
      const gained = strings(is?.fineTunedOn).filter((d) => !strings(was?.fineTunedOn).includes(d));
      if (gained.length > 0) reason("entry-point", id, `model '${id}' is now fine-tuned on ${list(gained)}: whoever shapes that data shapes the model, and what it holds can be drawn out of it`);
    }
    // Who may write a prompt, source or store decides whose text reaches what reads it: more writers are more ways in,
    // even where they are all insiders (the 6,000 employees who can now edit the runbooks an agent follows).
    if ((kind === "prompt" || kind === "source" || kind === "datastore") && heads.has("writableBy")) {
      const gained = strings(is?.writableBy).filter((a) => !strings(was?.writableBy).includes(a));
      if (gained.length > 0) {
        reason("entry-point", id, `${noun(kind)} '${id}' is now writable by ${list(gained)}: what they write reaches whatever reads it`);
        newWriters.add(reasons[reasons.length - 1]!);
      }
    }
    // Who may read a store or source already decides whether what it holds is news to someone behind an attack.
    if ((kind === "datastore" || kind === "source") && heads.has("readableBy")) {
      const gained = strings(is?.readableBy).filter((a) => !strings(was?.readableBy).includes(a));
      if (gained.length > 0) reason("blast-radius", id, `${noun(kind)} '${id}' is now readable by ${list(gained)}: where they are behind an attack, findings no longer count what it holds as at stake`);
    }
    // Whose sessions an entry's text reaches, and whose part of a shared store its readers see.
    if ((kind === "prompt" || kind === "source" || kind === "datastore") && heads.has("tenancy")) {
      const [from, to] = [str(was?.tenancy) ?? "not stated", str(is?.tenancy) ?? "not stated"];
      reason("entry-point", id, `${noun(kind)} '${id}' tenancy changed from ${from} to ${to}: whose sessions what its writers put in reaches${kind === "datastore" ? ", and whose part of it its readers see" : ""}`);
    }
    if ((kind === "client" || kind === "service") && heads.has("readableBy")) {
      const gained = strings(is?.readableBy).filter((a) => !strings(was?.readableBy).includes(a));
      if (gained.length > 0) reason("blast-radius", id, `${noun(kind)} '${id}' is now read by ${list(gained)}: answers and posts there reach them, whatever the asker was allowed to see`);
    }
    if ((kind === "client" || kind === "service") && heads.has("handles")) {
      const gained = strings(is?.handles).filter((h) => ACTING_HANDLING.has(h) && !strings(was?.handles).includes(h));
      if (gained.length > 0) reason("blast-radius", id, `${noun(kind)} '${id}' now ${gained.join(", ")}: model output reaching it can leave the system or act with no one reading it first`);
    }
  }
  return reasons;
}

/** Where an MCP server's code comes from; a version change alone is a routine update (a review item, not a material change). */
const MCP_SOURCE_FIELDS = ["package", "url", "publisher", "publisherTrust"] as const;
/** How firmly an install is held to what was reviewed; not stated counts as none, as TW-MCP-002 reads it. */
const PIN_STRENGTH: Readonly<Record<string, number>> = { none: 0, version: 1, digest: 2 };

/** What a recipient does with model output that sends it out or acts on it by itself (a new exfiltration or execution sink). */
const ACTING_HANDLING: ReadonlySet<string> = new Set(["fetches-images", "unfurls-links", "renders-html", "executes-code", "executes-shell", "executes-sql", "sends-email", "publishes"]);

/** Controls that bound what a steered agent or a stolen identity can do, or the data at stake (de-identification, redaction); weakening one widens the blast radius. */
const BOUNDING_CONTROLS = new Set(["human-approval", "sandbox", "egress-allowlist", "spend-limit", "kill-switch", "least-privilege", "authorization", "authentication", "tenant-isolation", "data-minimisation"]);
const STATUS_STRENGTH: Record<string, number> = { implemented: 2, partial: 1, planned: 0 };

/**
 * How a bounding control was weakened between two versions, in words, or undefined: removed,
 * taken to a weaker status, no longer covering something, acting only above a (higher) threshold,
 * or, for an approval, only under a condition or on what a new router sends it, without four eyes enforced, or going ahead when nobody answers.
 * A control added or made stronger narrows the blast radius; the findings diff shows that.
 */
export function controlWeakening(was: Record<string, unknown> | undefined, is: Record<string, unknown> | undefined): string | undefined {
  if (!was || !BOUNDING_CONTROLS.has(str(was.type) ?? "")) return undefined;
  if (!is) return "removed";
  if (str(is.type) !== str(was.type)) return `changed from ${str(was.type)} to ${str(is.type)}`;
  const status = (value: unknown) => STATUS_STRENGTH[str(value) ?? "implemented"] ?? 2;
  if (status(is.status) < status(was.status)) return `went from ${str(was.status) ?? "implemented"} to ${str(is.status)}`;
  if (was.verified === true && is.verified !== true) return "is no longer verified";
  const lost = strings(was.covers).filter((c) => !strings(is.covers).includes(c));
  if (lost.length > 0) return `no longer covers ${list(lost)}`;
  const amount = (value: unknown) => (value && typeof value === "object" && typeof (value as { amount?: unknown }).amount === "number" ? (value as { amount: number }).amount : undefined);
  const before = amount(was.threshold);
  const after = amount(is.threshold);
  // A spend limit's threshold is its cap: a higher cap is weaker. An approval's threshold is the amount above which it applies.
  if (str(was.type) === "spend-limit") return before !== undefined && after !== undefined && after > before ? `cap raised from ${before} to ${after}` : undefined;
  if (after !== undefined && (before === undefined || after > before)) return before === undefined ? `now applies only above ${after}` : `threshold raised from ${before} to ${after}`;
  // An approval that now waits on a condition, or on what a router sends it, sees fewer actions.
  if (was.condition === undefined && is.condition !== undefined) return "now applies only under a condition";
  const routers = strings(is.routedBy).filter((r) => !strings(was.routedBy).includes(r));
  if (routers.length > 0) return `now applies only to what ${list(routers)} route${routers.length === 1 ? "s" : ""} to it`;
  // Without four eyes enforced, an approver who also asks for the action may approve their own request.
  if (was.separateFromRequester === true && is.separateFromRequester !== true) return "no longer keeps approvers from approving their own requests";
  // An opt-out review lets through whatever nobody looks at in time.
  if (was.unanswered !== "proceeds" && is.unanswered === "proceeds") return "now lets an action go ahead when nobody answers in time";
  return undefined;
}

/** Untrusted entry points that appeared, disappeared or became easier to use, and agents newly (or no longer) reached. */
function entryPointReasons(before: ThreatModel, after: ThreatModel, facts: { before: PreparedModel; after: PreparedModel }): MaterialReason[] {
  const reasons: MaterialReason[] = [];
  const was = new Map(entryPoints(facts.before.graph, facts.before.untrusted).map((o) => [o.id, o]));
  const is = new Map(entryPoints(facts.after.graph, facts.after.untrusted).map((o) => [o.id, o]));
  for (const [id, origin] of is) {
    const earlier = was.get(id);
    if (!earlier) reasons.push({ code: "entry-point", element: id, message: `new untrusted entry point '${id}' (${origin.reason})` });
    else if (earlier.exposure !== origin.exposure) reasons.push({ code: "entry-point", element: id, message: `untrusted entry point '${id}' is ${origin.exposure > earlier.exposure ? "more" : "less"} exposed (${origin.reason})` });
  }
  for (const id of was.keys()) if (!is.has(id)) reasons.push({ code: "entry-point", element: id, message: `'${id}' is no longer an untrusted entry point` });

  // Another organisation's agent is an entry itself (reported above), not an agent of the team's that text reaches.
  const thirdParty = new Set([...before.agents, ...after.agents].filter((a) => a.thirdParty === true).map((a) => a.id));
  const agents = [...new Set([...before.agents.map((a) => a.id), ...after.agents.map((a) => a.id)])].filter((id) => !thirdParty.has(id)).sort();
  for (const id of agents) {
    const reachedBefore = facts.before.untrusted.reaches(id);
    const reachedAfter = facts.after.untrusted.reaches(id);
    if (reachedBefore !== reachedAfter) {
      reasons.push({ code: "entry-point", element: id, message: reachedAfter ? `agent '${id}' is now reached by untrusted content` : `agent '${id}' is no longer reached by untrusted content` });
      continue;
    }
    if (!reachedAfter) continue;
    // People who talk to the agent themselves ask for what they want: a new such population is a new way in, even when their text reached the agent before through stored content.
    const askedBefore = askersOf(facts.before, id);
    const askedAfter = askersOf(facts.after, id);
    // An actor that became or stopped being an entry point is reported as such above.
    const gained = [...askedAfter].filter((a) => !askedBefore.has(a) && was.has(a));
    const lost = [...askedBefore].filter((a) => !askedAfter.has(a) && is.has(a));
    const from = (side: PreparedModel, actors: readonly string[]) => actors.map((a) => `'${a}'${through(side, id, a)}`).join(", ");
    if (gained.length > 0) reasons.push({ code: "entry-point", element: id, message: `agent '${id}' now takes requests ${askedDirectly(facts.after, id, gained) ? "directly " : ""}from ${from(facts.after, gained)}` });
    if (lost.length > 0) reasons.push({ code: "entry-point", element: id, message: `agent '${id}' no longer takes requests ${askedDirectly(facts.before, id, lost) ? "directly " : ""}from ${from(facts.before, lost)}` });
  }
  return reasons;
}

/** The IDs of the untrusted actors whose requests the agent acts on, directly or passed on by other agents (askerOrigins), in ID order. */
function askersOf(facts: PreparedModel, agentId: string): Set<string> {
  return new Set(askerOrigins(facts.graph, facts.untrusted, agentId).map((o) => o.id).sort());
}

/** Whether every one of the actors asks the agent directly, not through agents that pass the request on. */
function askedDirectly(facts: PreparedModel, agentId: string, actors: readonly string[]): boolean {
  return actors.every((a) => forwardedThrough(facts.graph, agentId, a) === undefined);
}

/** " (through 'router')" for an actor whose request other agents pass on to the agent; empty for one who asks directly. */
function through(facts: PreparedModel, agentId: string, actor: string): string {
  const agents = forwardedThrough(facts.graph, agentId, actor);
  return agents ? ` (through ${agents.map((a) => `'${a}'`).join(", ")})` : "";
}

const MAX_LISTED_EFFECTS = 6;

/** Agents and identities whose reach (action on resource) grew or shrank. */
function blastRadiusReasons(before: ThreatModel, after: ThreatModel, facts: { before: PreparedModel; after: PreparedModel }): MaterialReason[] {
  const reasons: MaterialReason[] = [];
  const effectSet = (effects: readonly { action: string; resource?: string }[]) => new Set(effects.map((e) => (e.resource ? `${e.action} on ${e.resource}` : e.action)));
  const compare = (what: string, id: string, a: Set<string>, b: Set<string>) => {
    const gained = [...b].filter((e) => !a.has(e)).sort();
    const lost = [...a].filter((e) => !b.has(e)).sort();
    if (gained.length === 0 && lost.length === 0) return;
    const show = (effects: string[]) => effects.slice(0, MAX_LISTED_EFFECTS).join(", ") + (effects.length > MAX_LISTED_EFFECTS ? `, and ${effects.length - MAX_LISTED_EFFECTS} more` : "");
    const parts = [gained.length ? `can now ${show(gained)}` : "", lost.length ? `can no longer ${show(lost)}` : ""].filter(Boolean);
    reasons.push({ code: "blast-radius", element: id, message: `blast radius of ${what} '${id}' changed: ${parts.join("; ")}` });
  };
  const union = (a: readonly { id: string }[], b: readonly { id: string }[]) => [...new Set([...a.map((x) => x.id), ...b.map((x) => x.id)])].sort();
  const beforeAgents = new Set(before.agents.map((a) => a.id));
  const afterAgents = new Set(after.agents.map((a) => a.id));
  for (const id of union(before.agents, after.agents)) {
    const a = beforeAgents.has(id) ? effectSet(facts.before.capabilities.agentEffects(id)) : new Set<string>();
    const b = afterAgents.has(id) ? effectSet(facts.after.capabilities.agentEffects(id)) : new Set<string>();
    compare("agent", id, a, b);
  }
  const beforeIdentities = new Set(before.identities.map((i) => i.id));
  const afterIdentities = new Set(after.identities.map((i) => i.id));
  for (const id of union(before.identities, after.identities)) {
    const a = beforeIdentities.has(id) ? effectSet(facts.before.capabilities.identityEffects(id)) : new Set<string>();
    const b = afterIdentities.has(id) ? effectSet(facts.after.capabilities.identityEffects(id)) : new Set<string>();
    compare("identity", id, a, b);
  }
  return reasons;
}
