// Review triggers: a change to a prompt, a model version, a tool or MCP server, a
// retrieval source, an identity, permission or credential, or a retraining asks the
// owner of what changed for a review, with the reason; so does a control that was removed or
// weakened, or that changed what it does but is still marked verified from before. Pure.
import type { ThreatModel } from "../model/model.js";
import type { Model } from "../model/schema.js";
import { REVIEW_TRIGGERS } from "../model/vocabulary.js";
import type { ChangeType, DiffKind, ElementChange, ElementRecord, ModelDiff } from "./model-diff.js";
import { controlWeakening, decisionChange, elementKey, head, indexElements, isFreeText } from "./model-diff.js";

export type TriggerKind = (typeof REVIEW_TRIGGERS)[number];

export interface ReviewItem {
  trigger: TriggerKind;
  /** The element that changed. */
  element: string;
  kind: DiffKind;
  change: ChangeType;
  /** What changed, in words. */
  what: string;
  /** Why it needs a review, in words. */
  reason: string;
  /** Who is asked: the element's owner, else the owner of a workflow it takes part in, else the system's owner. */
  owner: string;
  ownerFrom: "element" | "identity" | "workflow" | "system" | "decision";
}

const REASONS: Record<TriggerKind, string> = {
  prompt: "agents' behaviour, and their defences against injected instructions, depend on the prompt's text; re-test them against prompt injection",
  "model-version": "a different model behaves differently: refusals, tool choice and resistance to injection need checking again",
  tool: "what an agent can do changed; check the tool's rights, its limits and the controls on it",
  "mcp-server": "an MCP server's tools and tool descriptions reach the agent's context; check its publisher, pinning and what its tools can do",
  "retrieval-source": "retrieved text enters the model's context; check who can write it and what it can steer",
  identity: "who the system acts as changed; check least privilege and where its secrets are",
  permission: "what an identity may do changed; check it against what its components need",
  credential: "a secret changed: where it is kept, who can reach it, its lifetime and rotation",
  retraining: "the model learns from this data; check its provenance, poisoning and personal data in it",
  boundary: "trust boundaries decide where untrusted input enters; check what now crosses them",
  data: "how sensitive the data is changed; check where it flows and who can read it",
  control: "the control is still marked verified, but the check was of the control before the change; check it again and update verifiedOn",
  "automated-decision": "what the answer decides sets what a wrong, steered or evaded answer costs, and whether people need oversight of it and a way to contest it",
  "risk-class": "the EU AI Act risk class is a legal determination (Art. 6): record why it changed, and check the obligations that now apply or no longer do (human oversight, logging, transparency)",
  "accepted-risk": "the decision was made about the finding's elements as they were; check that its justification still holds for what they are now, and record the review (reviewed)",
};

/** Decisions that close a finding on a judgement about the system as it was: they stand until someone looks again. */
const STANDING: ReadonlySet<string> = new Set(["accepted", "transferred", "false-positive"]);

/** Fields of a control that say what it does and where; a change to one makes an earlier verification stale. */
const CONTROL_SUBSTANCE = new Set(["type", "covers", "threshold", "condition", "routedBy", "approvers", "separateFromRequester", "unanswered"]);

const TRAINING_PIPELINES = new Set(["training", "fine-tuning"]);

const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const quoteList = (ids: readonly string[]) => ids.map((id) => `'${id}'`).join(", ");

/** "gained 'a', lost 'b'": how a list of references changed. */
function listChange(before: unknown, after: unknown): string {
  const a = strings(before);
  const b = strings(after);
  const added = b.filter((x) => !a.includes(x));
  const removed = a.filter((x) => !b.includes(x));
  return [added.length ? `added ${quoteList(added)}` : "", removed.length ? `removed ${quoteList(removed)}` : ""].filter(Boolean).join(", ") || "reordered";
}

/** Who owns an element of a model: its owner, its identity's owner (credentials), a workflow's owner, or the system's. */
function ownerResolver(model: ThreatModel, index: Map<string, ElementRecord>) {
  const workflowOwner = new Map<string, string>();
  for (const workflow of [...model.workflows].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!workflow.owner) continue;
    for (const component of workflow.components) if (!workflowOwner.has(component)) workflowOwner.set(component, workflow.owner);
  }
  return (kind: DiffKind, id: string): Pick<ReviewItem, "owner" | "ownerFrom"> => {
    const value = index.get(elementKey(kind, id))?.value;
    const own = str(value?.owner);
    if (own) return { owner: own, ownerFrom: kind === "decision" ? "decision" : "element" };
    if (kind === "credential") {
      const identity = index.get(elementKey("identity", str(value?.identity) ?? ""))?.value;
      const identityOwner = str(identity?.owner);
      if (identityOwner) return { owner: identityOwner, ownerFrom: "identity" };
    }
    const workflow = workflowOwner.get(id);
    if (workflow) return { owner: workflow, ownerFrom: "workflow" };
    return { owner: model.system.owner, ownerFrom: "system" };
  };
}

/**
 * The review items a diff raises. Only the trigger kinds listed in the new model's
 * `review.triggers` raise items; all of them when the list is absent. Changes to free text
 * (descriptions, names, tags) raise nothing.
 */
export function reviewTriggers(diff: ModelDiff, before: ThreatModel, after: ThreatModel): ReviewItem[] {
  const old = indexElements(before);
  const now = indexElements(after);
  const ownerBefore = ownerResolver(before, old);
  const ownerAfter = ownerResolver(after, now);
  const enabled = new Set<TriggerKind>(after.review?.triggers ?? REVIEW_TRIGGERS);

  // Datasets that train a model: named in a model's fineTunedOn, or flowing into a training or fine-tuning pipeline.
  const trainingData = new Set<string>();
  const trainingPipelines = new Set<string>();
  for (const model of [before, after]) {
    for (const m of model.models) for (const dataset of m.fineTunedOn ?? []) trainingData.add(dataset);
    for (const pipeline of model.pipelines) if (TRAINING_PIPELINES.has(pipeline.type)) trainingPipelines.add(pipeline.id);
  }
  for (const model of [before, after]) for (const flow of model.flows) if (trainingPipelines.has(flow.to)) trainingData.add(flow.from);

  // Kind of each element by ID, the new model winning: IDs are unique within a model.
  const kindOf = new Map<string, DiffKind>();
  for (const record of [...old.values(), ...now.values()]) if (record.kind !== "system" && record.kind !== "review" && record.kind !== "decision") kindOf.set(record.id, record.kind);

  // Datasets and training pipelines that train a model deciding about people (in the new model): a retraining's
  // review asks for its fairness tests again. Pipelines first, then what flows into them.
  const modelsById = new Map(after.models.map((m) => [m.id, m]));
  const trainsPeopleDecider = new Set<string>();
  for (const m of after.models) if (m.decision?.aboutPeople === true) for (const dataset of m.fineTunedOn ?? []) trainsPeopleDecider.add(dataset);
  for (const flow of after.flows) if (trainingPipelines.has(flow.from) && modelsById.get(flow.to)?.decision?.aboutPeople === true) trainsPeopleDecider.add(flow.from);
  for (const flow of after.flows) if (trainingPipelines.has(flow.to) && trainsPeopleDecider.has(flow.to)) trainsPeopleDecider.add(flow.from);

  const items = new Map<string, ReviewItem>();
  const raise = (trigger: TriggerKind, change: ElementChange, what: string, ownerOf: { kind: DiffKind; id: string } = change, reason = REASONS[trigger]) => {
    if (!enabled.has(trigger)) return;
    const key = `${trigger}\u0000${change.kind}\u0000${change.id}`;
    if (items.has(key)) return;
    const owner = change.change === "removed" ? ownerBefore(ownerOf.kind, ownerOf.id) : ownerAfter(ownerOf.kind, ownerOf.id);
    items.set(key, { trigger, element: change.id, kind: change.kind, change: change.change, what, reason, ...owner });
  };

  for (const change of diff.changes) {
    const { kind, id } = change;
    const was = old.get(elementKey(kind, id))?.value;
    const is = now.get(elementKey(kind, id))?.value;
    const fields = change.fields.filter((f) => !isFreeText(f));
    if (change.change === "changed" && fields.length === 0) continue;
    const heads = new Set(fields.map(head));
    const described = change.change === "changed" ? `changed (${fields.join(", ")})` : change.change;
    const changed = (field: string) => change.change !== "changed" || heads.has(field);

    switch (kind) {
      case "prompt": {
        const versions = heads.has("version") ? `: version ${str(was?.version) ?? "unset"} -> ${str(is?.version) ?? "unset"}` : "";
        raise("prompt", change, `${str((is ?? was)?.role) ?? "prompt"} prompt '${id}' ${fields.length === 1 && versions ? "changed" : described}${versions}`);
        break;
      }
      case "model": {
        if (change.change === "removed") break;
        if (change.change === "added") {
          raise("model-version", change, `model '${id}' added${str(is?.version) ? ` (version ${str(is?.version)})` : ""}`, change, modelVersionReason(modelsById.get(id)));
          break;
        }
        const versionFields = fields.filter((f) => ["version", "pinned", "fineTunedOn", "artifact", "provider", "hosting"].includes(head(f)));
        if (versionFields.length === 0) break;
        const versions = heads.has("version") ? `: ${str(was?.version) ?? "unset"} -> ${str(is?.version) ?? "unset"}` : "";
        const tuning = heads.has("fineTunedOn") ? `${versions ? ";" : ":"} fine-tuning data ${listChange(was?.fineTunedOn, is?.fineTunedOn)}` : "";
        raise("model-version", change, `model '${id}' changed${versionFields.length === 1 && (versions || tuning) ? "" : ` (${versionFields.join(", ")})`}${versions}${tuning}`, change, modelVersionReason(modelsById.get(id)));
        break;
      }
      case "agent": {
        // Another organisation's agent has no tools, prompts or models of ours to review: what it says is an entry, which the diff classifies.
        if (change.change === "removed" || is?.thirdParty === true) break;
        if (changed("tools") && strings(is?.tools).length + strings(was?.tools).length > 0) raise("tool", change, `agent '${id}' ${change.change === "added" ? `added with tools ${quoteList(strings(is?.tools))}` : `tools: ${listChange(was?.tools, is?.tools)}`}`);
        if (changed("mcpServers") && strings(is?.mcpServers).length + strings(was?.mcpServers).length > 0) raise("mcp-server", change, `agent '${id}' ${change.change === "added" ? `added with MCP servers ${quoteList(strings(is?.mcpServers))}` : `MCP servers: ${listChange(was?.mcpServers, is?.mcpServers)}`}`);
        if (change.change === "changed" && heads.has("prompts")) raise("prompt", change, `agent '${id}' prompts: ${listChange(was?.prompts, is?.prompts)}`);
        if (change.change === "changed" && heads.has("models")) raise("model-version", change, `agent '${id}' models: ${listChange(was?.models, is?.models)}`);
        break;
      }
      case "tool":
        raise("tool", change, `tool '${id}' ${described}`);
        break;
      case "mcp-server":
        raise("mcp-server", change, `MCP server '${id}' ${described}`);
        break;
      case "source":
        if (change.change !== "removed") raise("retrieval-source", change, `retrieval source '${id}' ${described}`);
        break;
      case "flow": {
        const channel = str((is ?? was)?.channel);
        // The agent or component that now retrieves is the one whose owner reviews it.
        const to = str((is ?? was)?.to) ?? "";
        if (channel === "retrieval" && change.change !== "removed") raise("retrieval-source", change, `retrieval flow '${id}' into '${to}' ${described}`, { kind: kindOf.get(to) ?? "agent", id: to });
        break;
      }
      case "identity": {
        const permissions = fields.filter((f) => head(f) === "permissions");
        // Stricter than the diff's IDENTITY_BOOKKEEPING on purpose: a new owner does not change the blast radius
        // (so the change is not material), but the new owner should look at what they now answer for.
        const other = fields.filter((f) => head(f) !== "permissions" && f !== "lastUsed");
        if (change.change !== "changed") raise("identity", change, `identity '${id}' ${change.change}`);
        if (other.length > 0) raise("identity", change, `identity '${id}' changed (${other.join(", ")})`);
        if (permissions.length > 0) raise("permission", change, `permissions of identity '${id}' changed (${permissions.join(", ")})`);
        break;
      }
      case "credential": {
        // A new expiry is not material to the diff (CREDENTIAL_BOOKKEEPING), but extending a secret's life is a decision its owner reviews.
        const material = fields.filter((f) => f !== "rotation.lastRotated");
        if (change.change !== "changed" || material.length > 0) raise("credential", change, `credential '${id}' of identity '${str((is ?? was)?.identity) ?? "?"}' ${change.change === "changed" ? `changed (${material.join(", ")})` : change.change}`);
        break;
      }
      case "dataset":
        if (trainingData.has(id) && change.change !== "removed") raise("retraining", change, `training data '${id}' ${described}`, change, retrainingReason(trainsPeopleDecider.has(id)));
        break;
      case "pipeline":
        if (trainingPipelines.has(id) && change.change !== "removed") raise("retraining", change, `${str((is ?? was)?.type) ?? "training"} pipeline '${id}' ${described}`, change, retrainingReason(trainsPeopleDecider.has(id)));
        break;
      case "boundary":
        raise("boundary", change, `trust boundary '${id}' ${described}`);
        break;
      case "data":
        if (change.change !== "changed" || heads.has("classification") || heads.has("flags")) raise("data", change, `data element '${id}' ${described}`);
        break;
      case "control": {
        // Removing or weakening a control that bounds what goes wrong takes its credit off the findings it covered: whoever owns it decides that on purpose.
        const weakened = controlWeakening(was, is);
        // A verification is of the control as it was: one that now does something else, still verified on the old date, is unchecked.
        const substance = [...heads].filter((h) => CONTROL_SUBSTANCE.has(h));
        const stale = change.change === "changed" && is?.verified === true && was?.verified === true && !heads.has("verifiedOn") && substance.length > 0;
        const staleWhat = `changed (${substance.join(", ")}) and keeps verified: true${str(is?.verifiedOn) ? ` from ${str(is?.verifiedOn)}` : ""}`;
        // Whether their residual rises is the findings diff's to say: a control that counted for nothing (an approval an attacker routes around) changes no score.
        const lostCredit = `the findings on what it covered (${quoteList(strings(was?.covers))}) lose its credit, and the re-scored findings show what it was worth: confirm the change is intended, and accept or replace what it held back`;
        if (weakened) raise("control", change, `control '${id}' (${str(was?.type) ?? "?"}) ${weakened}${stale ? `; ${staleWhat}` : ""}`, change, stale ? `${lostCredit}; and ${REASONS.control}` : lostCredit);
        else if (stale) raise("control", change, `control '${id}' ${staleWhat}`);
        break;
      }
      default:
        break;
    }
    if ((kind === "agent" || kind === "model") && change.change !== "removed" && is?.thirdParty !== true) {
      const what = decisionChange(was, is);
      if (what) raise("automated-decision", change, `${kind} '${id}' ${what}`);
    }
    if (kind === "system" && change.change === "changed" && heads.has("euAiActRisk")) raise("risk-class", change, `EU AI Act risk class changed from ${str(was?.euAiActRisk) ?? "unset"} to ${str(is?.euAiActRisk) ?? "unset"}`);
    // Fields any component may carry.
    if (change.change === "changed" && heads.has("runsAs")) raise("identity", change, `'${id}' now acts as ${str(is?.runsAs) ? `identity '${str(is?.runsAs)}'` : "no identity"} (was ${str(was?.runsAs) ? `'${str(was?.runsAs)}'` : "none"})`);
    if (change.change === "changed" && heads.has("boundary") && kind !== "boundary") raise("boundary", change, `'${id}' moved from trust boundary ${str(was?.boundary) ? `'${str(was?.boundary)}'` : "none"} to ${str(is?.boundary) ? `'${str(is?.boundary)}'` : "none"}`);
  }

  // An accepted, transferred or dismissed finding whose anchoring elements changed: the judgement was about them as they were.
  const changedFields = new Map(diff.changes.filter((c) => c.kind !== "decision" && c.change === "changed").map((c) => [c.id, c.fields.filter((f) => !isFreeText(f))]));
  const redecided = new Set(diff.changes.filter((c) => c.kind === "decision").map((c) => c.id));
  for (const decision of after.decisions) {
    if (!STANDING.has(decision.status) || redecided.has(decision.finding)) continue;
    const anchors = decision.finding.slice(decision.finding.indexOf("@") + 1).split("+");
    const moved = anchors.filter((id) => (changedFields.get(id)?.length ?? 0) > 0);
    if (moved.length === 0) continue;
    // The decision itself did not change: it is raised as what the change calls for, asking whoever owns it.
    const standing: ElementChange = { kind: "decision", id: decision.finding, change: "changed", fields: [], cosmetic: false, material: false };
    raise("accepted-risk", standing, `${decision.status} finding '${decision.finding}' rests on ${moved.map((id) => `'${id}', which changed (${changedFields.get(id)!.join(", ")})`).join(" and ")}`);
  }

  const order = new Map(REVIEW_TRIGGERS.map((t, i) => [t, i]));
  return [...items.values()].sort((a, b) => order.get(a.trigger)! - order.get(b.trigger)! || (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
}

const FAIRNESS_RECHECK = "; it decides about people: re-run its tests of decisions across groups of people (fairness-testing)";

/** A changed model's review: a classifier's or scorer's accuracy rather than an LLM's refusals, and its fairness where it decides about people. */
function modelVersionReason(model: Model | undefined): string {
  const generative = !model?.task || model.task === "generation";
  const base = generative ? REASONS["model-version"] : "a different model behaves differently: its accuracy, error rates and resistance to crafted input need checking again";
  return model?.decision?.aboutPeople === true ? base + FAIRNESS_RECHECK : base;
}

/** A retraining's review, with the fairness tests where it trains a model that decides about people. */
function retrainingReason(decidesAboutPeople: boolean): string {
  return decidesAboutPeople ? REASONS.retraining + FAIRNESS_RECHECK : REASONS.retraining;
}
