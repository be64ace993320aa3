import assert from "node:assert/strict";
import { hiddenInstructionsRichContent } from "../../../src/rules/prompt-injection/hidden-instructions-rich-content.js";
import { internalAgent } from "../building-blocks.js";
import { ruleTester, spec } from "../rule-tester.js";

const inbox = (contentTypes: string[], writableBy = ["senders"], direct = true) => ({
  actors: [{ id: "senders", type: "public" }],
  sources: [{ id: "inbox", type: "email", writableBy, contentTypes, holds: ["mail"] }],
  data: [{ id: "mail", classification: "internal" }],
  flows: direct ? [{ id: "inbox-to-agent", from: "inbox", to: "agent", channel: "retrieval", data: ["mail"] }] : [],
});
const reply = { tools: [{ id: "reply", capabilities: [{ action: "send", destination: "any" }] }] };
/** The inbox indexed by an embedding-ingestion pipeline into a vector store the agent retrieves from. */
const indexed = {
  pipelines: [{ id: "ingest", type: "embedding-ingestion" }],
  datastores: [{ id: "index", type: "vector", holds: ["mail"] }],
  flows: [
    { id: "inbox-to-ingest", from: "inbox", to: "ingest", channel: "ingestion" },
    { id: "ingest-to-index", from: "ingest", to: "index", channel: "ingestion" },
    { id: "index-to-agent", from: "index", to: "agent", channel: "retrieval" },
  ],
};

/** HTML pages anyone may publish, fetched by the agent's own tool. */
const fetchedPages = (destination: string) => ({
  actors: [{ id: "authors", type: "public" }],
  sources: [{ id: "pages", type: "web", writableBy: ["authors"], contentTypes: ["html"] }],
  tools: [{ id: "fetch", capabilities: [{ action: "fetch", on: ["pages"], destination }] }],
});

ruleTester(hiddenInstructionsRichContent, {
  valid: [
    {
      name: "HTML pages that reach the agent only through its own fetch from outside: TW-PI-003's finding, and nobody reviews a fetched page",
      model: spec(internalAgent("agent", { tools: ["fetch", "reply"] }), fetchedPages("any"), reply),
    },
    { name: "near miss: the inbox only delivers plain text and markdown", model: spec(internalAgent("agent", { tools: ["reply"] }), inbox(["text", "markdown"]), reply) },
    {
      name: "PDFs written only by employees (no insider adversary): not an untrusted origin",
      model: spec(internalAgent("agent", { tools: ["reply"] }), inbox(["pdf"], ["staff"]), reply),
    },
    {
      name: "near miss: images only, and the agent gets them as text an ingestion pipeline extracted for an index",
      model: spec(internalAgent("agent", { tools: ["reply"] }), inbox(["image", "audio"], ["senders"], false), indexed, reply),
    },
  ],
  invalid: [
    {
      name: "near miss: the same pages are also fetched from a fixed URL by the agent (no TW-PI-003 for that way)",
      model: spec(internalAgent("agent", { tools: ["fetch"] }), fetchedPages("fixed")),
      findings: [{ anchors: ["agent", "pages"], summary: /^Content from pages \(html\)/ }],
    },
    {
      name: "images read as files by the agent (it also retrieves from the index): the pixels reach the model",
      model: spec(internalAgent("agent", { tools: ["reply"] }), inbox(["image"]), indexed, reply),
      findings: [{ anchors: ["agent", "inbox"], summary: /^Content from inbox \(image\), written by untrusted actors/ }],
    },
    {
      name: "PDFs and images through the index: the PDF's hidden text survives extraction, the image's does not",
      model: spec(internalAgent("agent", { tools: ["reply"] }), inbox(["pdf", "image"], ["senders"], false), indexed, reply),
      findings: [
        {
          anchors: ["agent", "inbox"],
          summary: /^Content from inbox \(pdf\), written by untrusted actors/,
          check: (finding) => assert.doesNotMatch(finding.evidence[0]!.note, /image/),
        },
      ],
    },
    {
      name: "public senders' PDFs reach an agent that can reply",
      model: spec(internalAgent("agent", { tools: ["reply"] }), inbox(["pdf", "text"]), reply),
      findings: [
        {
          anchors: ["agent", "inbox"],
          // Likelihood 3 + 1 (public writers, exposure 5) = 4. Impact 3 (sending: neither read-only nor severe). 12: high.
          severity: "high",
          summary: /pdf/,
          check: (finding) => {
            assert.equal(finding.inherent.score, 12);
            assert.equal(finding.path?.[0]?.technique, "AML.T0068");
          },
        },
      ],
    },
    {
      name: "HTML ingested into a vector store; only the first agent to parse it is anchored",
      model: spec(internalAgent("agent"), inbox(["html"], ["senders"], false), {
        pipelines: [{ id: "ingest", type: "embedding-ingestion" }],
        datastores: [{ id: "index", type: "vector", holds: ["mail"] }],
        agents: [{ id: "downstream", models: ["llm"] }],
        flows: [
          { id: "inbox-to-ingest", from: "inbox", to: "ingest", channel: "ingestion" },
          { id: "ingest-to-index", from: "ingest", to: "index", channel: "ingestion" },
          { id: "index-to-agent", from: "index", to: "agent", channel: "retrieval" },
          { id: "agent-to-downstream", from: "agent", to: "downstream", channel: "message" },
        ],
        controls: [{ id: "sanitise", type: "input-filtering", covers: ["ingest"], verified: true }],
      }),
      findings: [
        {
          anchors: ["agent", "inbox"],
          check: (finding) => {
            // Likelihood 4 (3 + 1 public); impact 3 - 1 (the agent has no tool with effects) = 2: 8 inherent.
            assert.equal(finding.inherent.score, 8);
            // The filter sits on the ingestion pipeline on the path, so it counts: 3 x 2 = 6.
            assert.equal(finding.residual.score, 6);
          },
        },
      ],
    },
  ],
});
