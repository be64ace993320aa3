// The merged model every analysis works on: one list per element type, all present.
import type { ElementListKey, RootFile } from "./schema.js";

type Lists = { [K in ElementListKey]-?: NonNullable<RootFile[K]> };

export type ThreatModel = Pick<RootFile, "system" | "review"> & Lists;

export function emptyModel(root: Pick<RootFile, "system" | "review">): ThreatModel {
  return {
    system: root.system,
    ...(root.review ? { review: root.review } : {}),
    actors: [],
    models: [],
    agents: [],
    tools: [],
    mcpServers: [],
    datastores: [],
    sources: [],
    services: [],
    clients: [],
    pipelines: [],
    prompts: [],
    datasets: [],
    data: [],
    flows: [],
    boundaries: [],
    identities: [],
    controls: [],
    decisions: [],
    adversaries: [],
    workflows: [],
  };
}

/** The lists that hold components (as opposed to data, flows, identities, controls...). */
export const COMPONENT_LIST_KEYS = [
  "actors",
  "models",
  "agents",
  "tools",
  "mcpServers",
  "datastores",
  "sources",
  "services",
  "clients",
  "pipelines",
  "prompts",
  "datasets",
] as const satisfies readonly ElementListKey[];

/** Why a workflow ID names nothing in the model, with a hint that lists the workflows it has; undefined when it exists. */
export function unknownWorkflow(model: ThreatModel, id: string): { message: string; hint: string } | undefined {
  if (model.workflows.some((w) => w.id === id)) return undefined;
  const known = model.workflows.map((w) => w.id).sort();
  return {
    message: `unknown workflow '${id}'`,
    hint: known.length > 0 ? `workflows in this model: ${known.join(", ")}` : "this model defines no workflows; leave out --workflow for the whole system",
  };
}
