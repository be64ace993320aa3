// diffModels and diffFindings on small models: each material reason must fire when its
// condition holds and must not fire for edits that leave it alone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Finding } from "../../src/analysis/analyze.js";
import { diffFindings } from "../../src/lifecycle/findings-diff.js";
import type { MaterialCode, ModelDiff } from "../../src/lifecycle/model-diff.js";
import { canonicalJson, changedFields, diffModels } from "../../src/lifecycle/model-diff.js";
import { memoryFiles } from "../../src/model/files.js";
import { loadModel } from "../../src/model/load.js";
import type { ThreatModel } from "../../src/model/model.js";
import type { OutputHandling } from "../../src/model/vocabulary.js";

/** A small shop assistant: public visitors chat with a supervised agent that looks orders up. */
const SHOP = `threatwright: 1
system: {id: shop, name: Shop, owner: shop-owner@example.com}
review: {owner: appsec@example.com, cadence: P90D}
boundaries:
  - {id: internet, type: internet}
  - {id: corp, type: corporate}
actors:
  - {id: visitors, type: public, boundary: internet}
  - {id: staff, type: employee, boundary: corp}
models:
  - {id: llm, provider: Vendor, hosting: hosted-api, version: m-1, pinned: true, fineTunedOn: [tuning-set]}
prompts:
  - {id: sys-prompt, role: system, version: "1"}
agents:
  - {id: helper, models: [llm], prompts: [sys-prompt], tools: [lookup], boundary: corp, owner: agent-team@example.com, autonomy: supervised}
tools:
  - {id: lookup, runsAs: db-sa, capabilities: [{action: read, on: [orders], description: Reads one order}]}
  - {id: mailer, capabilities: [{action: send, destination: any}]}
mcpServers:
  - {id: files-mcp, transport: stdio, publisher: Us, publisherTrust: first-party}
datastores:
  - {id: orders, type: relational, boundary: corp, holds: [order-data]}
  - {id: wiki-index, type: vector}
sources:
  - {id: wiki, type: documents, writableBy: [staff]}
pipelines:
  - {id: tune, type: fine-tuning}
  - {id: embed, type: embedding-ingestion}
datasets:
  - {id: tuning-set, provenance: internal}
  - {id: eval-set, provenance: internal}
data:
  - {id: order-data, classification: confidential, flags: [personal]}
flows:
  - {id: ask, from: visitors, to: helper, channel: api}
  - {id: tuning-data, from: tuning-set, to: tune, channel: training}
identities:
  - id: db-sa
    type: service-account
    owner: dba@example.com
    lastUsed: 2026-01-01
    permissions: [{resource: orders, actions: [read]}]
    credentials:
      - {id: db-pass, type: password, lifetime: static, storage: secret-manager, rotation: {period: P90D, lastRotated: 2026-01-01}}
  - {id: mail-sa, type: api-key, permissions: [{resource: orders, actions: [read]}]}
controls:
  - {id: audit, type: telemetry, covers: [helper], evidence: [{type: link, ref: "https://grafana.example.com/d/x"}]}
workflows:
  - {id: chat, owner: chat-team@example.com, components: [visitors, helper, sys-prompt]}
`;

function shop(): ThreatModel {
  const result = loadModel("threatwright.yaml", memoryFiles({ "threatwright.yaml": SHOP }));
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.loaded.model;
}

/** The base model and a copy changed by `edit`. */
function variant(edit: (model: ThreatModel) => void): [ThreatModel, ThreatModel] {
  const before = shop();
  const after = structuredClone(before);
  edit(after);
  return [before, after];
}

const codes = (diff: ModelDiff) => [...new Set(diff.reasons.map((r) => r.code))].sort();
const find = <T extends { id: string }>(list: T[], id: string): T => {
  const found = list.find((x) => x.id === id);
  assert.ok(found, `no ${id}`);
  return found;
};

function assertMaterial(edit: (model: ThreatModel) => void, expected: MaterialCode[]): ModelDiff {
  const diff = diffModels(...variant(edit));
  assert.equal(diff.classification, "material", JSON.stringify(diff.changes));
  assert.deepEqual(codes(diff), [...expected].sort());
  return diff;
}

function assertDelta(edit: (model: ThreatModel) => void): ModelDiff {
  const diff = diffModels(...variant(edit));
  assert.equal(diff.classification, "delta", JSON.stringify(diff.reasons));
  assert.deepEqual(diff.reasons, []);
  assert.ok(diff.changes.length > 0);
  return diff;
}

describe("diffModels: what changed", () => {
  it("finds nothing between a model and itself, or a copy with lists in another order", () => {
    const [before, after] = variant((m) => {
      m.agents[0]!.tools = ["lookup"];
      m.workflows[0]!.components.reverse();
      m.boundaries.reverse();
    });
    const diff = diffModels(before, after);
    assert.equal(diff.classification, "unchanged");
    assert.deepEqual(diff.changes, []);
    assert.deepEqual(diff.counts, { added: 0, removed: 0, changed: 0 });
  });

  it("reports added, removed and changed elements with field paths, grouped by kind in a fixed order", () => {
    const [before, after] = variant((m) => {
      m.tools = m.tools.filter((t) => t.id !== "mailer");
      m.adversaries.push({ id: "crooks", type: "organised-crime", capability: "medium" });
      find(m.tools, "lookup").capabilities[0]!.description = "Reads one order by number";
      m.system.name = "The shop";
      find(m.controls, "audit").evidence![0]!.ref = "https://grafana.example.com/d/y";
    });
    const diff = diffModels(before, after);
    assert.deepEqual(
      diff.changes.map((c) => [c.change, c.kind, c.id, c.fields, c.cosmetic]),
      [
        ["changed", "system", "shop", ["name"], true],
        ["changed", "tool", "lookup", ["capabilities[0].description"], true],
        ["removed", "tool", "mailer", [], false],
        ["changed", "control", "audit", ["evidence[0].ref"], false],
        ["added", "adversary", "crooks", [], false],
      ],
    );
    assert.deepEqual(diff.counts, { added: 1, removed: 1, changed: 3 });
  });

  it("reads a renamed ID as one element removed and another added", () => {
    const diff = diffModels(
      ...variant((m) => {
        find(m.data, "order-data").id = "orders-data";
        find(m.datastores, "orders").holds = ["orders-data"];
      }),
    );
    assert.deepEqual(
      diff.changes.map((c) => `${c.change} ${c.kind} ${c.id}`),
      ["changed datastore orders", "removed data order-data", "added data orders-data"],
    );
  });

  it("treats credentials as elements: a credential moved to another identity changes its identity field", () => {
    const diff = diffModels(
      ...variant((m) => {
        const credential = find(m.identities, "db-sa").credentials!.pop()!;
        find(m.identities, "mail-sa").credentials = [credential];
      }),
    );
    assert.deepEqual(
      diff.changes.map((c) => [c.kind, c.id, c.fields]),
      [["credential", "db-pass", ["identity"]]],
    );
    assert.deepEqual(codes(diff), ["credential"]);
  });

  it("compares lists as sets but names the item that changed", () => {
    assert.equal(canonicalJson({ b: [2, 1], a: { d: 1, c: [{ y: 1 }, { x: 2 }] } }), canonicalJson({ a: { c: [{ x: 2 }, { y: 1 }], d: 1 }, b: [1, 2] }));
    assert.deepEqual(changedFields({ tools: ["a"], caps: [{ on: ["x"] }, { on: ["y"] }] }, { tools: ["a", "b"], caps: [{ on: ["x"] }, { on: ["z"] }] }), ["caps[1].on", "tools"]);
    assert.deepEqual(changedFields({ caps: [{ on: ["x"] }] }, { caps: [{ on: ["x"] }, { on: ["z"] }] }), ["caps"]);
    assert.deepEqual(changedFields({ rotation: { period: "P90D" } }, { rotation: { period: "P30D" } }), ["rotation.period"]);
  });
});

describe("diffModels: material or delta", () => {
  it("a trust boundary added, removed or changed, or a component moved between boundaries, is material", () => {
    assertMaterial((m) => m.boundaries.push({ id: "vendor", type: "vendor" }), ["boundary"]);
    assertMaterial((m) => (m.boundaries = m.boundaries.filter((b) => b.id !== "corp")), ["boundary"]);
    assertMaterial((m) => (find(m.boundaries, "corp").type = "network-segment"), ["boundary"]);
    const moved = assertMaterial((m) => (find(m.datastores, "orders").boundary = "internet"), ["boundary"]);
    assert.equal(moved.reasons[0]?.message, "datastore 'orders' moved from trust boundary 'corp' to 'internet'");
    assertMaterial((m) => (find(m.datastores, "wiki-index").boundary = "corp"), ["boundary"]);
  });

  it("must not be material: a boundary's name, description or tags", () => {
    const diff = assertDelta((m) => {
      const corp = find(m.boundaries, "corp");
      corp.name = "Corporate network";
      corp.description = "Office and VPN";
      corp.tags = ["network"];
    });
    assert.deepEqual(diff.changes[0]?.fields, ["description", "name", "tags"]);
    assert.equal(diff.changes[0]?.cosmetic, true);
  });

  it("an untrusted entry point appearing, disappearing or becoming more exposed is material", () => {
    const appeared = assertMaterial((m) => (find(m.sources, "wiki").writableBy = ["staff", "visitors"]), ["entry-point"]);
    assert.equal(appeared.reasons[0]?.message, "new untrusted entry point 'wiki' (writable by visitors)");
    assertMaterial((m) => (find(m.actors, "visitors").type = "employee"), ["entry-point"]);
    const exposure = assertMaterial((m) => (find(m.actors, "visitors").type = "customer"), ["entry-point"]);
    assert.match(exposure.reasons[0]!.message, /^untrusted entry point 'visitors' is less exposed/);
    // Text from the web now reaches the agent through retrieval: a new path in, no new origin.
    const reached = assertMaterial(
      (m) => {
        find(m.actors, "visitors").type = "employee";
        m.sources.push({ id: "web", type: "web" });
        m.flows.push({ id: "web-in", from: "web", to: "wiki-index", channel: "ingestion" }, { id: "rag", from: "wiki-index", to: "helper", channel: "retrieval" });
      },
      ["entry-point"],
    );
    assert.deepEqual(
      reached.reasons.map((r) => r.message),
      ["new untrusted entry point 'web' (web source: anyone can put content in)", "'visitors' is no longer an untrusted entry point"],
    );
  });

  it("an agent becoming another organisation's is material as a new entry point only: its models, tools and autonomy are the other party's", () => {
    // The team had drawn the partner's booking agent as its own, with a model and autonomy; now it is thirdParty.
    const [before, after] = variant((m) => m.agents.push({ id: "partner", models: ["llm"], autonomy: "autonomous" }));
    before.agents.push({ id: "partner", models: ["llm"], autonomy: "autonomous" });
    after.flows.push({ id: "partner-reply", from: "partner", to: "helper", channel: "message" });
    before.flows.push({ id: "partner-reply", from: "partner", to: "helper", channel: "message" });
    const partner = find(after.agents, "partner");
    partner.thirdParty = true;
    delete partner.models;
    delete partner.autonomy;
    const diff = diffModels(before, after);
    assert.deepEqual(
      diff.reasons.map((r) => [r.code, r.message]),
      [["entry-point", "new untrusted entry point 'partner' (another organisation's agent: what it says is text the team does not control)"]],
    );
    // Its autonomy changing while it stays thirdParty is nothing to review; the same change on the team's agent is.
    const again = structuredClone(after);
    find(again.agents, "partner").autonomy = "supervised";
    assert.equal(diffModels(after, again).classification, "delta");
    assertMaterial((m) => (find(m.agents, "helper").autonomy = "autonomous"), ["blast-radius"]);
  });

  it("an untrusted actor is an entry point only when it sends or writes something", () => {
    // Under an insider adversary staff are untrusted; with no flow of their own and nothing they write, they enter nothing.
    const [before, after] = variant((m) => {
      m.adversaries.push({ id: "insider", type: "insider", capability: "medium" });
      find(m.sources, "wiki").writableBy = [];
    });
    find(before.sources, "wiki").writableBy = [];
    assert.ok(!diffModels(before, after).reasons.some((r) => r.message.includes("'staff'")), "staff, untrusted now, send and write nothing");
    // Once staff send the agent a message, they are a new entry point.
    after.flows.push({ id: "staff-ask", from: "staff", to: "helper", channel: "api" });
    assert.ok(diffModels(before, after).reasons.some((r) => r.message === "new untrusted entry point 'staff' (employee actor: writes whatever they like)"));
  });

  it("a client or service that starts fetching, running or sending what models write is material; one that only renders more is not", () => {
    const widened = (handles: OutputHandling[], more: OutputHandling[]) => {
      const [before, after] = variant((m) => m.clients.push({ id: "app", type: "chat-app", handles: [...handles, ...more] }));
      before.clients.push({ id: "app", type: "chat-app", handles });
      return diffModels(before, after).reasons.map((r) => [r.code, r.message]);
    };
    assert.deepEqual(widened(["renders-markdown"], ["fetches-images"]), [["blast-radius", "client 'app' now fetches-images: model output reaching it can leave the system or act with no one reading it first"]]);
    assert.deepEqual(widened(["renders-links"], ["unfurls-links", "executes-code"]), [["blast-radius", "client 'app' now unfurls-links, executes-code: model output reaching it can leave the system or act with no one reading it first"]]);
    // Must not be material: rendering more, or a sink dropped.
    assert.deepEqual(widened(["plain-text"], ["renders-markdown", "renders-links"]), []);
    const [before, after] = variant((m) => m.clients.push({ id: "app", type: "chat-app", handles: ["plain-text"] }));
    before.clients.push({ id: "app", type: "chat-app", handles: ["plain-text", "fetches-images"] });
    assert.deepEqual(diffModels(before, after).reasons, []);
  });

  it("an agent newly reached by untrusted text is material even when no entry point is new", () => {
    const [shielded, reached] = variant(() => {});
    // Visitors still send something (so they stay an entry point), but not to the agent.
    find(shielded.flows, "ask").to = "wiki-index";
    const diff = diffModels(shielded, reached);
    assert.equal(diff.classification, "material");
    assert.deepEqual(
      diff.reasons.map((r) => [r.code, r.message]),
      [["entry-point", "agent 'helper' is now reached by untrusted content"]],
    );
    assert.deepEqual(
      diffModels(reached, shielded).reasons.map((r) => r.message),
      ["agent 'helper' is no longer reached by untrusted content"],
    );
  });

  it("people who start asking an agent themselves are material, even when their text reached it before through stored content", () => {
    // Partners write to the wiki the agent reads; then they get a chat with the agent.
    const [before, after] = variant((m) => m.flows.push({ id: "partners-ask", from: "partners", to: "helper", channel: "api" }));
    for (const m of [before, after]) {
      m.actors.push({ id: "partners", type: "partner" });
      find(m.sources, "wiki").writableBy = ["staff", "partners"];
      m.flows.push({ id: "wiki-in", from: "wiki", to: "helper", channel: "retrieval" });
    }
    const diff = diffModels(before, after);
    assert.equal(diff.classification, "material");
    assert.deepEqual(
      diff.reasons.map((r) => [r.code, r.message]),
      [["entry-point", "agent 'helper' now takes requests directly from 'partners'"]],
    );
    assert.deepEqual(
      diffModels(after, before).reasons.map((r) => r.message),
      ["agent 'helper' no longer takes requests directly from 'partners'"],
    );
    // Must not be material: visitors, who asked already, now also ask through a chat widget.
    const [asked, widget] = variant((m) => {
      m.clients.push({ id: "widget", type: "web-chat", handles: ["plain-text"] });
      m.flows.push({ id: "visitors-widget", from: "visitors", to: "widget", channel: "api" }, { id: "widget-helper", from: "widget", to: "helper", channel: "api" });
    });
    assert.deepEqual(diffModels(asked, widget).reasons, []);
  });

  it("a router that starts passing the visitors' own question on to another agent makes it an agent they ask: material", () => {
    // Visitors ask a router that hands a worker a task it wrote; then it passes their question on as it is.
    const [tasked, forwarded] = variant(() => {});
    for (const m of [tasked, forwarded]) {
      m.data.push({ id: "question", classification: "internal" }, { id: "task", classification: "internal" });
      m.agents.push({ id: "router", models: ["llm"] });
      find(m.flows, "ask").to = "router";
      find(m.flows, "ask").data = ["question"];
      m.flows.push({ id: "route", from: "router", to: "helper", channel: "message", data: ["task"] });
    }
    find(forwarded.flows, "route").data = ["question"];
    const diff = diffModels(tasked, forwarded);
    assert.equal(diff.classification, "material");
    assert.deepEqual(
      diff.reasons.filter((r) => r.code === "entry-point").map((r) => r.message),
      ["agent 'helper' now takes requests from 'visitors' (through 'router')"],
    );
    assert.deepEqual(
      diffModels(forwarded, tasked).reasons.filter((r) => r.code === "entry-point").map((r) => r.message),
      ["agent 'helper' no longer takes requests from 'visitors' (through 'router')"],
    );
  });

  it("an identity, a permission or a credential changed is material", () => {
    const permission = assertMaterial((m) => (find(m.identities, "db-sa").permissions![0]!.actions = ["read", "write"]), ["blast-radius", "permission"]);
    assert.deepEqual(
      permission.reasons.map((r) => r.message),
      ["permissions of identity 'db-sa' changed (permissions[0].actions)", "blast radius of identity 'db-sa' changed: can now write on orders"],
    );
    assertMaterial((m) => (find(m.identities, "db-sa").permissions![0]!.scope = "SELECT, UPDATE"), ["permission"]);
    assertMaterial((m) => (find(m.identities, "db-sa").humanUse = true), ["identity"]);
    assertMaterial((m) => m.identities.push({ id: "new-sa", type: "service-account" }), ["identity"]);
    assertMaterial((m) => (find(m.identities, "db-sa").credentials![0]!.storage = "env-var"), ["credential"]);
    assertMaterial((m) => (find(m.identities, "db-sa").credentials![0]!.rotation!.period = "P1Y"), ["credential"]);
    const runsAs = assertMaterial((m) => (find(m.agents, "helper").runsAs = "mail-sa"), ["identity"]);
    assert.equal(runsAs.reasons[0]?.message, "agent 'helper' now acts as identity 'mail-sa'");
  });

  it("must not be material: an identity's owner or last use, a credential's rotation date, their descriptions", () => {
    assertDelta((m) => {
      const identity = find(m.identities, "db-sa");
      identity.owner = "platform@example.com";
      identity.lastUsed = "2026-11-01";
      identity.description = "Reads orders";
      identity.permissions![0]!.description = "SELECT only";
      identity.credentials![0]!.rotation!.lastRotated = "2026-11-01";
      identity.credentials![0]!.description = "Rotated by a Lambda";
    });
  });

  it("a tool's capability, or an agent's tools or MCP servers, changed is material", () => {
    const gained = assertMaterial((m) => find(m.agents, "helper").tools!.push("mailer"), ["blast-radius", "capability"]);
    assert.deepEqual(
      gained.reasons.map((r) => r.message),
      ["agent 'helper' gained tools 'mailer'", "blast radius of agent 'helper' changed: can now send"],
    );
    assertMaterial((m) => (find(m.tools, "lookup").capabilities[0]!.on = ["orders", "wiki-index"]), ["blast-radius", "capability"]);
    // Changes what the unused tool can do: a capability, though no agent's reach changes.
    assertMaterial((m) => (find(m.tools, "mailer").capabilities[0]!.destination = "fixed"), ["capability"]);
    assertMaterial((m) => (find(m.agents, "helper").mcpServers = ["files-mcp"]), ["capability"]);
    // With the asker's own token, or as a service identity: whose rights the tool acts with.
    assertMaterial((m) => (find(m.tools, "mailer").delegated = true), ["capability"]);
    assertMaterial((m) => m.tools.push({ id: "wipe", capabilities: [{ action: "delete", on: ["orders"] }] }), ["capability"]);
    assertMaterial((m) => (m.mcpServers = []), ["capability"]);
  });

  it("any agent's blast radius changed is material, including one reached through code execution", () => {
    // The agent has a shell on a CI runner. Once the deployer's key sits on that runner, the
    // agent's code can use the deployer's grants: only the credential's presentIn changes.
    const withShell = shop();
    withShell.services.push({ id: "runner", type: "ci-runner" });
    withShell.tools.push({ id: "shell", runsOn: "runner", capabilities: [{ action: "execute", on: ["runner"] }] });
    find(withShell.agents, "helper").tools!.push("shell");
    withShell.identities.push({ id: "deployer", type: "service-account", permissions: [{ resource: "orders", actions: ["admin"] }], credentials: [{ id: "deploy-key", type: "api-key", lifetime: "static", storage: "vault" }] });
    const keyOnRunner = structuredClone(withShell);
    find(keyOnRunner.identities, "deployer").credentials![0]!.presentIn = ["runner"];
    const diff = diffModels(withShell, keyOnRunner);
    assert.deepEqual(
      diff.reasons.map((r) => [r.code, r.message]),
      [
        ["credential", "credential 'deploy-key' changed (presentIn)"],
        ["blast-radius", "blast radius of agent 'helper' changed: can now admin on orders"],
      ],
    );
    assertMaterial((m) => (find(m.agents, "helper").autonomy = "autonomous"), ["blast-radius"]);
  });

  it("data that starts to belong to someone is material: findings stop counting it where they are the attacker", () => {
    const [before, after] = variant((m) => (m.data[0]!.belongsTo = ["visitors"]));
    const diff = diffModels(before, after);
    assert.equal(diff.classification, "material");
    assert.deepEqual(
      diff.reasons.map((r) => [r.code, r.message]),
      [["blast-radius", `data element '${before.data[0]!.id}' now belongs to 'visitors': where one of them is the attacker and it is passed on for their own case, findings no longer count it as at stake`]],
    );
    // Dropping the owners puts the data back at stake: the findings diff shows that, no review needed.
    assert.deepEqual(diffModels(after, before).reasons, []);
  });

  it("a client or service that gains readers is material: answers and posts there reach them", () => {
    const [before, after] = variant((m) => (m.clients.push({ id: "channel", type: "chat-app", handles: ["plain-text"], readableBy: ["visitors"] })));
    const withReaders = structuredClone(after);
    withReaders.clients.find((c) => c.id === "channel")!.readableBy = [];
    const moreReaders = after;
    assert.deepEqual(diffModels(withReaders, moreReaders).reasons.map((r) => [r.code, r.message]), [["blast-radius", "client 'channel' is now read by 'visitors': answers and posts there reach them, whatever the asker was allowed to see"]]);
    // Fewer readers narrow what an answer reaches: the findings diff shows it, no review needed.
    assert.deepEqual(diffModels(moreReaders, withReaders).reasons, []);
    // A new client with readers is a new element, not a change to one: nothing here asks for it.
    assert.deepEqual(diffModels(before, after).reasons, []);
  });

  it("a store or source that becomes readable by more actors is material: findings stop counting what it holds where they are behind the attack", () => {
    const [before, after] = variant((m) => (find(m.datastores, "orders").readableBy = ["staff"]));
    assert.deepEqual(
      diffModels(before, after).reasons.map((r) => [r.code, r.message]),
      [["blast-radius", "datastore 'orders' is now readable by 'staff': where they are behind an attack, findings no longer count what it holds as at stake"]],
    );
    // Fewer readers put the data back at stake: the findings diff shows it, no review needed.
    assert.deepEqual(diffModels(after, before).reasons, []);
  });

  it("a material loss raised, dropped or moved to another currency is material: more caps on spending count; one stated or lowered is not", () => {
    const withLoss = (amount: number | undefined, currency = "EUR") => variant((m) => (m.system.materialLoss = amount === undefined ? undefined : { amount, currency }))[1];
    const reasons = (a: number | undefined, b: number | undefined, currency?: string) => diffModels(withLoss(a), withLoss(b, currency)).reasons.map((r) => [r.code, r.message]);
    assert.deepEqual(reasons(1000, 5000), [["blast-radius", `the material loss changed from 1000 EUR to 5000 EUR: caps on spending under 5000 EUR now count as bounding the harm`]]);
    assert.deepEqual(reasons(1000, undefined), [["blast-radius", "the material loss changed from 1000 EUR to not stated: caps on spending of any amount now count as bounding the harm"]]);
    assert.equal(reasons(1000, 1000, "USD").length, 1);
    assert.deepEqual(reasons(undefined, 1000), []);
    assert.deepEqual(reasons(5000, 1000), []);
  });

  it("a prompt, source or store that gains writers is material, insiders too: more people's text reaches what reads it (SOC review P9)", () => {
    const [before, after] = variant((m) => (find(m.datastores, "orders").writableBy = ["staff"]));
    assert.deepEqual(diffModels(before, after).reasons.map((r) => [r.code, r.message]), [["entry-point", "datastore 'orders' is now writable by 'staff': what they write reaches whatever reads it"]]);
    // Fewer writers close ways in: the findings diff shows it, no review needed.
    assert.deepEqual(diffModels(after, before).reasons, []);
  });

  it("a model fine-tuned on a dataset it was not before is material: the data goes into its weights (knowledge review P10)", () => {
    const [before, after] = variant((m) => {
      m.datasets.push({ id: "feedback", provenance: "customer" });
      m.models[0]!.fineTunedOn = [...(m.models[0]!.fineTunedOn ?? []), "feedback"];
    });
    const model = before.models[0]!.id;
    assert.deepEqual(
      diffModels(before, after).reasons.filter((r) => r.element === model).map((r) => [r.code, r.message]),
      [["entry-point", `model '${model}' is now fine-tuned on 'feedback': whoever shapes that data shapes the model, and what it holds can be drawn out of it`]],
    );
    // Fine-tuning on less: the findings diff shows what goes, no review needed.
    assert.deepEqual(diffModels(after, before).reasons.filter((r) => r.element === model), []);
  });

  it("a changed tenancy of a prompt, source or store is material: whose sessions its writers reach", () => {
    const [before, after] = variant((m) => {
      find(m.prompts, "sys-prompt").tenancy = "single";
      find(m.datastores, "orders").tenancy = "shared";
    });
    assert.deepEqual(
      diffModels(before, after).reasons.map((r) => [r.code, r.message]),
      [
        ["entry-point", "prompt 'sys-prompt' tenancy changed from not stated to single: whose sessions what its writers put in reaches"],
        ["entry-point", "datastore 'orders' tenancy changed from not stated to shared: whose sessions what its writers put in reaches, and whose part of it its readers see"],
      ],
    );
    assert.equal(diffModels(after, before).classification, "material");
  });

  it("a flow that starts to hand over one case at a time is material: findings stop counting the records of the case at hand", () => {
    const [before, after] = variant((m) => (find(m.flows, "ask").perCase = true));
    const diff = diffModels(before, after);
    assert.equal(diff.classification, "material");
    assert.deepEqual(
      diff.reasons.map((r) => [r.code, r.message]),
      [["blast-radius", "flow 'ask' now hands 'helper' one case's record at a time: where the attacker is that case, findings no longer count their record as at stake"]],
    );
    // Handing over the whole store again puts the records back at stake: the findings diff shows that, no review needed.
    assert.deepEqual(diffModels(after, before).reasons, []);
  });

  it("a flow that starts to say its sender speaks in someone else's session is material, whether their words stay requests or become content", () => {
    // Visitors speak into the sessions staff start: as content only, they stop asking the helper.
    const [before, asContent] = variant((m) => (find(m.flows, "ask").session = { of: "staff", asks: false }));
    assert.deepEqual(
      diffModels(before, asContent).reasons.map((r) => [r.code, r.message]),
      [
        ["entry-point", "flow 'ask' now carries what 'visitors' say, as content and not requests, into a session 'staff' started"],
        ["entry-point", "agent 'helper' no longer takes requests directly from 'visitors'"],
      ],
    );
    // As requests in the owner's name, they still ask, but a check on the asker now checks staff.
    const [, asRequests] = variant((m) => (find(m.flows, "ask").session = { of: "staff", asks: true }));
    assert.deepEqual(diffModels(before, asRequests).reasons.map((r) => [r.code, r.message]), [["entry-point", "flow 'ask' now carries what 'visitors' say as requests into a session 'staff' started"]]);
    assert.deepEqual(diffModels(asRequests, before).reasons.map((r) => [r.code, r.message]), [["entry-point", "flow 'ask' no longer says 'visitors' speak in someone else's session"]]);
  });

  it("an agent whose answer starts to decide something, or decides at higher stakes, is material; rewording the decision is not", () => {
    const decides = (m: ThreatModel) => (find(m.agents, "helper").decision = { what: "which refunds are paid", stakes: "medium" });
    const gained = assertMaterial(decides, ["blast-radius"]);
    assert.deepEqual(
      gained.reasons.map((r) => r.message),
      ["agent 'helper' now declares a decision (stakes medium): what a steered answer decides"],
    );
    const [before, after] = variant(decides);
    decides(before);
    find(after.agents, "helper").decision = { what: "which refunds are paid", stakes: "high", aboutPeople: true };
    assert.deepEqual(
      diffModels(before, after).reasons.map((r) => r.message),
      ["agent 'helper' decision stakes changed from medium to high, about people: what a steered answer decides"],
    );
    assert.deepEqual(
      diffModels(after, before).reasons.map((r) => r.message),
      ["agent 'helper' decision stakes changed from high, about people to medium: what a steered answer decides"],
    );
    const [had, dropped] = variant(decides);
    decides(had);
    delete find(dropped.agents, "helper").decision;
    assert.deepEqual(
      diffModels(had, dropped).reasons.map((r) => r.message),
      ["agent 'helper' no longer declares a decision (it had stakes medium): what a steered answer decides"],
    );
    const [same, reworded] = variant(decides);
    decides(same);
    find(reworded.agents, "helper").decision = { what: "which refund requests are paid out", stakes: "medium" };
    assert.deepEqual(diffModels(same, reworded).reasons, []);
  });

  it("an MCP server from another package or publisher, or pinned less firmly, is material; a version bump or a firmer pin is not", () => {
    const server = (m: ThreatModel) => find(m.mcpServers, "files-mcp");
    const pinned = (m: ThreatModel) => Object.assign(server(m), { package: "files-mcp", version: "1.2.0", pinned: "version" as const });
    const [before, moved] = variant(pinned);
    pinned(before);
    Object.assign(server(moved), { package: "files-mcp-server", publisher: "Someone" });
    assert.deepEqual(
      diffModels(before, moved).reasons.map((r) => [r.code, r.message]),
      [["blast-radius", "MCP server 'files-mcp' now comes from elsewhere (package, publisher): other code runs with what it holds and writes the descriptions its agents read"]],
    );
    const [had, unpinned] = variant(pinned);
    pinned(had);
    server(unpinned).pinned = "none";
    assert.deepEqual(
      diffModels(had, unpinned).reasons.map((r) => r.message),
      ["MCP server 'files-mcp' pinning weakened from version to none: an install can run code nobody reviewed"],
    );
    assert.deepEqual(diffModels(unpinned, had).reasons, [], "pinning again narrows the blast radius: the findings diff shows it");
    const [old, bumped] = variant(pinned);
    pinned(old);
    server(bumped).version = "1.3.0";
    assert.equal(diffModels(old, bumped).classification, "delta");
  });

  it("a model whose answer starts to decide something, or decides at other stakes, is material too", () => {
    const decides = (stakes: "low" | "high") => (m: ThreatModel) => (find(m.models, "llm").decision = { what: "which payments are held", stakes });
    assert.deepEqual(
      assertMaterial(decides("high"), ["blast-radius"]).reasons.map((r) => r.message),
      ["model 'llm' now declares a decision (stakes high): what an evaded or poisoned answer decides"],
    );
    const [before, after] = variant(decides("high"));
    decides("high")(before);
    decides("low")(after);
    assert.deepEqual(
      diffModels(before, after).reasons.map((r) => r.message),
      ["model 'llm' decision stakes changed from high to low: what an evaded or poisoned answer decides"],
    );
  });

  it("a control that bounds an agent removed or weakened is material: removed, weaker status, unverified, less covered, higher threshold", () => {
    const approval = { id: "approval", type: "human-approval" as const, covers: ["lookup", "mailer"], status: "implemented" as const, verified: true, threshold: { amount: 100, currency: "EUR" } };
    const withApproval = (m: ThreatModel) => m.controls.push(structuredClone(approval));
    const weakened = (edit: (control: ThreatModel["controls"][number]) => void): [ThreatModel, ThreatModel] => {
      const [before, after] = variant(withApproval);
      withApproval(before);
      edit(find(after.controls, "approval"));
      return [before, after];
    };
    const reasonsOf = (models: [ThreatModel, ThreatModel]) => diffModels(...models).reasons.map((r) => [r.code, r.element, r.message]);
    const held = "what it held back on 'lookup', 'mailer' is less held back";
    assert.deepEqual(reasonsOf([variant(withApproval)[1], shop()]), [["blast-radius", "approval", `control 'approval' (human-approval) removed: ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.status = "partial"))), [["blast-radius", "approval", `control 'approval' (human-approval) went from implemented to partial: ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.verified = false))), [["blast-radius", "approval", `control 'approval' (human-approval) is no longer verified: ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.covers = ["lookup"]))), [["blast-radius", "approval", `control 'approval' (human-approval) no longer covers 'mailer': ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.threshold = { amount: 5000, currency: "EUR" }))), [["blast-radius", "approval", `control 'approval' (human-approval) threshold raised from 100 to 5000: ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.condition = "the customer is new"))), [["blast-radius", "approval", `control 'approval' (human-approval) now applies only under a condition: ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.routedBy = ["helper"]))), [["blast-radius", "approval", `control 'approval' (human-approval) now applies only to what 'helper' routes to it: ${held}`]]);
    // An opt-out review: what nobody looks at in time goes ahead.
    assert.deepEqual(reasonsOf(weakened((c) => (c.unanswered = "proceeds"))), [["blast-radius", "approval", `control 'approval' (human-approval) now lets an action go ahead when nobody answers in time: ${held}`]]);
    assert.deepEqual(reasonsOf(weakened((c) => (c.unanswered = "waits"))), []);
    // Another type is another control, not a weaker one: still material (what counted it as an approval no longer does), said so.
    assert.deepEqual(reasonsOf(weakened((c) => (c.type = "authorization"))), [
      ["blast-radius", "approval", "control 'approval' changed from human-approval to authorization: findings that counted it as human-approval on 'lookup', 'mailer' no longer do, and those that take authorization may"],
    ]);
    // Four eyes no longer enforced (separateFromRequester true, then absent or false): an approver who asks may approve their own request.
    for (const drop of [(c: ThreatModel["controls"][number]) => delete c.separateFromRequester, (c: ThreatModel["controls"][number]) => (c.separateFromRequester = false)]) {
      const [before, after] = weakened(drop);
      find(before.controls, "approval").separateFromRequester = true;
      assert.deepEqual(reasonsOf([before, after]), [["blast-radius", "approval", `control 'approval' (human-approval) no longer keeps approvers from approving their own requests: ${held}`]]);
      // Enforcing it is a stronger control: not material.
      assert.deepEqual(reasonsOf([after, before]), []);
    }
    // Must not be material: the same control made stronger (a router or a condition dropped), or a control that bounds nothing (telemetry) removed.
    assert.deepEqual(reasonsOf(weakened((c) => (c.threshold = { amount: 50, currency: "EUR" }))), []);
    {
      const [before, after] = weakened((c) => (c.routedBy = ["helper"]));
      assert.deepEqual(reasonsOf([after, before]), []);
    }
    assert.deepEqual(reasonsOf(weakened((c) => c.covers.push("helper"))), []);
    assertDelta((m) => (m.controls = m.controls.filter((c) => c.id !== "audit")));
  });

  it("must not be material: descriptions, names, tags, a control added or its evidence, a prompt's version, data, workflows", () => {
    assertDelta((m) => {
      find(m.tools, "lookup").capabilities[0]!.description = "Reads one order and its items";
      find(m.agents, "helper").name = "Helper";
      find(m.agents, "helper").tags = ["chat"];
      find(m.agents, "helper").owner = "other-team@example.com";
    });
    assertDelta((m) => m.controls.push({ id: "approval", type: "human-approval", covers: ["lookup"], status: "implemented", verified: true }));
    assertDelta((m) => (find(m.controls, "audit").evidence = [{ type: "config", ref: "otel.yaml" }]));
    assertDelta((m) => (find(m.prompts, "sys-prompt").version = "2"));
    assertDelta((m) => (find(m.models, "llm").version = "m-2"));
    assertDelta((m) => (find(m.data, "order-data").classification = "restricted"));
    assertDelta((m) => find(m.workflows, "chat").components.push("lookup"));
    assertDelta((m) => m.decisions.push({ finding: "TW-PI-001@helper", status: "accepted", expires: "2027-01-01" }));
    assertDelta((m) => (m.review!.cadence = "P30D"));
  });

  it("marks the changes a material reason names", () => {
    const diff = diffModels(
      ...variant((m) => {
        find(m.agents, "helper").tools!.push("mailer");
        find(m.prompts, "sys-prompt").version = "2";
      }),
    );
    assert.deepEqual(
      diff.changes.map((c) => [c.id, c.material]),
      [
        ["helper", true],
        ["sys-prompt", false],
      ],
    );
  });
});

function finding(id: string, score: number, severity: Finding["severity"] = "medium"): Finding {
  return { id, ruleId: id.split("@")[0]!, title: `Title of ${id}`, summary: "", severity, residual: { likelihood: 1, impact: score, score, severity } } as unknown as Finding;
}

describe("diffFindings", () => {
  it("lists new, resolved and re-scored findings by stable ID, and the change in total residual risk", () => {
    const diff = diffFindings(
      [finding("TW-A@x", 12, "high"), finding("TW-B@x", 6), finding("TW-C@x", 4.5, "low"), finding("TW-D@x", 20, "critical")],
      [finding("TW-A@x", 8, "medium"), finding("TW-C@x", 4.5, "low"), finding("TW-D@x", 25, "critical"), finding("TW-E@x", 3.75, "low"), finding("TW-F@x", 9)],
    );
    assert.deepEqual(
      diff.new.map((f) => [f.id, f.residual]),
      [
        ["TW-F@x", 9],
        ["TW-E@x", 3.75],
      ],
    );
    assert.deepEqual(
      diff.resolved.map((f) => f.id),
      ["TW-B@x"],
    );
    assert.deepEqual(
      diff.rescored.map((f) => [f.id, f.before.residual, f.after.residual, f.delta, f.before.severity, f.after.severity]),
      [
        ["TW-D@x", 20, 25, 5, "critical", "critical"],
        ["TW-A@x", 12, 8, -4, "high", "medium"],
      ],
    );
    assert.equal(diff.unchanged, 1);
    assert.deepEqual(diff.residual, { before: 42.5, after: 50.25, delta: 7.75 });
  });

  it("sums without floating-point noise", () => {
    const many = Array.from({ length: 10 }, (_, i) => finding(`TW-X@${i}`, 0.1));
    assert.deepEqual(diffFindings([], many).residual, { before: 0, after: 1, delta: 1 });
  });
});
