// Data the people behind an attack may read already is no gain to them (src/rules/already-readable.ts):
// a tenant's admin editing their own workspace's instructions, a member asking with their own token.
// The same workspace, varied one property at a time, through TW-EXF-001 and TW-PI-001 (TW-PI-004: its own tests).
import assert from "node:assert/strict";
import { exfiltrationPath } from "../../src/rules/exfiltration/exfiltration-path.js";
import { directPromptInjection } from "../../src/rules/prompt-injection/direct-prompt-injection.js";
import { OWN_TENANT, tenantWorkspace } from "./building-blocks.js";
import { ruleTester, spec } from "./rule-tester.js";

const notCounted = (element: string, words: RegExp) => (finding: { evidence: { element: string; note: string }[] }) =>
  assert.ok(
    finding.evidence.some((e) => e.element === element && words.test(e.note)),
    `evidence names ${element} as not counted (${words}); it has:\n${finding.evidence.map((e) => `${e.element}: ${e.note}`).join("\n")}`,
  );

ruleTester(exfiltrationPath, {
  valid: [
    { name: "a tenant's admins steer their own tenant's assistant to tasks they may read, and members ask with their own token", model: tenantWorkspace(OWN_TENANT) },
    {
      name: "a single-tenant store every writer and asker may read: nothing in it is news to them",
      model: tenantWorkspace({ promptTenancy: undefined, storeTenancy: undefined, readers: ["tenant-admins", "tenant-members"], delegated: false }),
    },
  ],
  invalid: [
    {
      name: "instructions that may reach any tenant's sessions: the delegated read returns another tenant's tasks",
      model: tenantWorkspace({ ...OWN_TENANT, promptTenancy: undefined }),
      findings: [{ anchors: ["assistant", "call-webhook"], check: (f) => assert.ok(f.evidence.some((e) => e.element === "tasks" && /sensitive data in the agent's context/.test(e.note))) }],
    },
    {
      name: "instructions written for every tenant (tenancy shared) count the same way",
      model: tenantWorkspace({ ...OWN_TENANT, promptTenancy: "shared" }),
      findings: [{ anchors: ["assistant", "call-webhook"] }],
    },
    {
      name: "the tool reads the shared store as a service identity: every tenant's tasks, whatever the admins may read",
      model: tenantWorkspace({ ...OWN_TENANT, delegated: false }),
      findings: [{ anchors: ["assistant", "call-webhook"] }],
    },
    {
      name: "the admins are not among the store's readers",
      model: tenantWorkspace({ ...OWN_TENANT, readers: ["tenant-members"] }),
      findings: [{ anchors: ["assistant", "call-webhook"] }],
    },
    {
      name: "another agent the members reach passes on tasks it reads from an archive: what a steered agent forwards is news",
      model: spec(tenantWorkspace(OWN_TENANT), {
        agents: [{ id: "archivist", models: ["llm"], tools: ["read-archive"] }],
        tools: [{ id: "read-archive", capabilities: [{ action: "read", on: ["archive"] }] }],
        datastores: [{ id: "archive", type: "document", holds: ["tasks"] }],
        flows: [
          { id: "app-to-archivist", from: "app", to: "archivist", channel: "api" },
          { id: "archivist-to-assistant", from: "archivist", to: "assistant", channel: "message" },
        ],
      }),
      findings: [{ anchors: ["assistant", "call-webhook"] }],
    },
    {
      name: "a guest's comment reaches the assistant as retrieved content in a member's session: the member's token reads for the guest",
      model: spec(tenantWorkspace(OWN_TENANT), {
        actors: [{ id: "guests", type: "partner", authenticated: true }],
        services: [{ id: "comment-thread", type: "web-app" }],
        flows: [
          { id: "guests-comment", from: "guests", to: "comment-thread", channel: "api" },
          { id: "thread-to-assistant", from: "comment-thread", to: "assistant", channel: "retrieval" },
        ],
      }),
      findings: [{ anchors: ["assistant", "call-webhook"] }],
    },
    {
      name: "the same data also flows in from an archive the admins may not read",
      model: spec(tenantWorkspace(OWN_TENANT), {
        datastores: [{ id: "archive", type: "document", holds: ["tasks"] }],
        flows: [{ id: "archive-to-assistant", from: "archive", to: "assistant", channel: "api", data: ["tasks"] }],
      }),
      findings: [{ anchors: ["assistant", "call-webhook"] }],
    },
  ],
});

ruleTester(directPromptInjection, {
  valid: [
    {
      // The webhook's side effects would still count: leave the agent one delegated reading tool only.
      name: "members ask with their own token: the tasks a steered agent reads are theirs to read",
      model: { ...tenantWorkspace(OWN_TENANT), agents: [{ id: "assistant", models: ["llm"], prompts: ["custom-instructions"], tools: ["get-task"] }] },
    },
  ],
  invalid: [
    {
      name: "members speak in their admins' session: the delegated read uses the admins' token",
      model: { ...tenantWorkspace({ ...OWN_TENANT, membersSpeakIn: "tenant-admins" }), agents: [{ id: "assistant", models: ["llm"], prompts: ["custom-instructions"], tools: ["get-task"] }] },
      findings: [{ anchors: ["assistant"], summary: /holds tasks/ }],
    },
    {
      name: "the webhook still counts, and the evidence says why the tasks do not",
      model: tenantWorkspace(OWN_TENANT),
      findings: [{ anchors: ["assistant"], summary: /can call call-webhook\.$/, check: notCounted("tasks", /tenant-members may read it already \(get-task reads it with their own token\)/) }],
    },
  ],
});
