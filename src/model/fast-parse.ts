// The fast path for well-formed model files: js-yaml's event parser is several
// times faster than a full document model, and its events carry source offsets,
// so one pass builds both the value and an index of where every node sits. Any
// file this path does not handle plainly (syntax errors, duplicate keys,
// anchors and aliases, tags, several documents, complex keys) goes to the
// careful path in parse.ts, which reports the problem precisely.
import { CORE_SCHEMA, constructFromEvents, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE } from "js-yaml";
import type { Event } from "js-yaml";

export type Position = { line: number; col: number };

export interface PositionIndex {
  /** Position of the node at the path (the nearest existing ancestor's when absent). */
  locate(path: readonly (string | number)[]): Position;
  /** Position of a key in the mapping at the path. */
  locateKey(path: readonly (string | number)[], key: string): Position | undefined;
}

export type FastOutcome = { handled: true; value: unknown; index: PositionIndex; depth: number } | { handled: false };

const SEPARATOR = "\u0000";
const pathKey = (path: readonly (string | number)[]) => path.join(SEPARATOR);
const joinPath = (parent: string, segment: string) => (parent === "" ? segment : `${parent}${SEPARATOR}${segment}`);

interface Frame {
  kind: "map" | "seq";
  path: string;
  next: number;
  /** In a mapping: the key whose value comes next, or undefined when a key comes next. */
  key?: string;
  keyOffset?: number;
}

/** Where a scalar starts as a reader sees it: at its opening quote, or at a block scalar's | or > indicator. */
function scalarStart(text: string, event: { valueStart: number; style: number }): number {
  if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED) return event.valueStart - 1;
  if (event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK) {
    return Math.max(text.lastIndexOf("|", event.valueStart - 1), text.lastIndexOf(">", event.valueStart - 1));
  }
  return event.valueStart;
}

export function fastParse(text: string): FastOutcome {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return { handled: false };
  }
  const nodes = new Map<string, number>();
  const keys = new Map<string, number>();
  const stack: Frame[] = [];
  let documents = 0;
  let depth = 0;

  // The path of the node that starts now, given the frame it starts in (undefined: a collection used as a key).
  const childPath = (frame: Frame | undefined): string | undefined => {
    if (!frame) return "";
    if (frame.kind === "seq") return joinPath(frame.path, String(frame.next++));
    if (frame.key === undefined) return undefined;
    const path = joinPath(frame.path, frame.key);
    frame.key = undefined;
    return path;
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1) return { handled: false };
        break;
      case EVENT_ID.ALIAS:
        return { handled: false };
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart >= 0 || event.tagStart >= 0) return { handled: false };
        const frame = stack[stack.length - 1];
        const path = childPath(frame);
        if (path === undefined) return { handled: false };
        nodes.set(path, event.start);
        stack.push({ kind: event.type === EVENT_ID.MAPPING ? "map" : "seq", path, next: 0 });
        depth = Math.max(depth, stack.length);
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart >= 0 || event.tagStart >= 0) return { handled: false };
        const frame = stack[stack.length - 1];
        if (frame?.kind === "map" && frame.key === undefined) {
          if (event.valueStart < 0) return { handled: false }; // an empty key
          const key = getScalarValue(text, event);
          if (key === "<<") return { handled: false }; // merge keys: the careful path reads them as YAML 1.2 does
          const at = `${frame.path}${SEPARATOR}${key}`;
          if (keys.has(at)) return { handled: false }; // duplicate key: the careful path says where
          frame.keyOffset = scalarStart(text, event);
          keys.set(at, frame.keyOffset);
          frame.key = key;
        } else {
          const keyOffset = frame?.kind === "map" ? frame.keyOffset : undefined;
          const path = childPath(frame);
          if (path === undefined) return { handled: false };
          // An empty value has no text of its own: it is placed at its key.
          if (event.valueStart >= 0) nodes.set(path, scalarStart(text, event));
          else if (keyOffset !== undefined) nodes.set(path, keyOffset);
        }
        break;
      }
      case EVENT_ID.POP:
        if (stack.length > 0) stack.pop();
        break;
    }
  }

  const constructed = construct(events, text);
  if (!constructed) return { handled: false };
  const { value } = constructed;

  const position = linePositions(text);

  const index: PositionIndex = {
    locate(path) {
      for (let length = path.length; length >= 0; length--) {
        const offset = nodes.get(pathKey(path.slice(0, length)));
        if (offset !== undefined) return position(offset);
      }
      return { line: 1, col: 1 };
    },
    locateKey(path, key) {
      const offset = keys.get(`${pathKey(path)}${SEPARATOR}${key}`);
      return offset === undefined ? undefined : position(offset);
    },
  };
  return { handled: true, value, index, depth };
}

/** A plainly written file read for the loader's fast path: its value, and where its elements' IDs sit. */
export interface PlainParse {
  value: unknown;
  depth: number;
  /**
   * Position of an element's `id` ([list, index, "id"]), a credential's ([list, index, "credentials", index, "id"]),
   * a decision's `finding` ([list, index, "finding"]) or the system's `id` (["system", "id"]); undefined for any other path.
   */
  locateId(path: readonly (string | number)[]): Position | undefined;
}

/** Depths (in collections) of the mappings whose IDs the loader places: elements, and credentials in an identity. */
const ELEMENT_DEPTH = 3;
const CREDENTIAL_DEPTH = 5;

interface PlainFrame {
  isMap: boolean;
  next: number;
  expectsKey: boolean;
  /** The current key, read only where an ID path runs (the root, elements and credentials). */
  key: string | undefined;
  keyOffset: number;
  /** Below a list of the root: the list's key, and the element's index in it. */
  list: string | undefined;
  item: number;
  /** Below an identity's credentials: the credential's index. */
  inCredentials: boolean;
  credential: number;
}

/**
 * fastParse without the full position index: the same events, the same value and the
 * same refusals (anything not plain is left to the careful path), but only element IDs
 * are placed, which is all a model that loads cleanly needs.
 */
export function plainParse(text: string): PlainParse | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  // Offsets of each list's element IDs (and decisions' findings) by index, and of credential IDs by identity index.
  const ids = new Map<string, number[]>();
  const findings = new Map<string, number[]>();
  const credentialIds = new Map<number, number[]>();
  let systemId: number | undefined;
  const record = (byKey: Map<string, number[]>, list: string, index: number, offset: number) => {
    let offsets = byKey.get(list);
    if (!offsets) byKey.set(list, (offsets = []));
    offsets[index] = offset;
  };
  const stack: PlainFrame[] = [];
  let documents = 0;
  let depth = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1) return undefined;
        break;
      case EVENT_ID.ALIAS:
        return undefined;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart >= 0 || event.tagStart >= 0) return undefined;
        const parent = stack[stack.length - 1];
        const child: PlainFrame = { isMap: event.type === EVENT_ID.MAPPING, next: 0, expectsKey: true, key: undefined, keyOffset: -1, list: undefined, item: -1, inCredentials: false, credential: -1 };
        if (parent) {
          let index = -1;
          if (parent.isMap) {
            if (parent.expectsKey) return undefined; // a collection used as a key
            parent.expectsKey = true;
          } else index = parent.next++;
          // stack.length is the parent's depth.
          if (stack.length === 1) child.list = parent.key;
          else if (stack.length === 2) [child.list, child.item] = [parent.list, index];
          else if (stack.length === ELEMENT_DEPTH && parent.list === "identities" && parent.key === "credentials") [child.list, child.item, child.inCredentials] = [parent.list, parent.item, true];
          else if (stack.length === CREDENTIAL_DEPTH - 1 && parent.inCredentials) [child.list, child.item, child.inCredentials, child.credential] = [parent.list, parent.item, true, index];
        }
        stack.push(child);
        depth = Math.max(depth, stack.length);
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart >= 0 || event.tagStart >= 0) return undefined;
        const frame = stack[stack.length - 1];
        if (!frame) break;
        if (!frame.isMap) {
          frame.next++;
        } else if (frame.expectsKey) {
          if (event.valueStart < 0) return undefined; // an empty key
          frame.expectsKey = false;
          const placed = stack.length === 1 || (stack.length === 2 && frame.list === "system") || (stack.length === ELEMENT_DEPTH && frame.list !== undefined) || (stack.length === CREDENTIAL_DEPTH && frame.inCredentials);
          frame.key = placed ? getScalarValue(text, event) : undefined;
          frame.keyOffset = scalarStart(text, event);
        } else {
          frame.expectsKey = true;
          if (frame.key === undefined || stack.length === 1) break;
          // An empty value has no text of its own: it is placed at its key, as fastParse does.
          const offset = event.valueStart >= 0 ? scalarStart(text, event) : frame.keyOffset;
          if (stack.length === 2) {
            if (frame.key === "id") systemId = offset;
          } else if (stack.length === CREDENTIAL_DEPTH) {
            if (frame.key === "id") {
              let offsets = credentialIds.get(frame.item);
              if (!offsets) credentialIds.set(frame.item, (offsets = []));
              offsets[frame.credential] = offset;
            }
          } else if (frame.key === "id") record(ids, frame.list!, frame.item, offset);
          else if (frame.key === "finding") record(findings, frame.list!, frame.item, offset);
        }
        break;
      }
      case EVENT_ID.POP:
        if (stack.length > 0) stack.pop();
        break;
    }
  }

  const constructed = construct(events, text);
  if (!constructed) return undefined;
  const { value } = constructed;
  let position: ((offset: number) => Position) | undefined;
  return {
    value,
    depth,
    locateId(path) {
      let offset: number | undefined;
      const [list, index, field, credential, last] = path;
      if (path.length === 2 && list === "system" && index === "id") offset = systemId;
      else if (typeof list !== "string" || typeof index !== "number") return undefined;
      else if (path.length === 3) offset = (field === "id" ? ids : field === "finding" ? findings : undefined)?.get(list)?.[index];
      else if (path.length === 5 && list === "identities" && field === "credentials" && typeof credential === "number" && last === "id") offset = credentialIds.get(index)?.[credential];
      if (offset === undefined) return undefined;
      position ??= linePositions(text);
      return position(offset);
    },
  };
}

/** The document's value built from its events, or undefined where js-yaml refuses it (the careful path then says why). */
function construct(events: Parameters<typeof constructFromEvents>[0], text: string): { value: unknown } | undefined {
  try {
    return { value: constructFromEvents(events, { source: text, schema: CORE_SCHEMA })[0] };
  } catch {
    return undefined;
  }
}

/** Offset to line and column (both from 1), through an index of where each line starts. */
function linePositions(text: string): (offset: number) => Position {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - lineStarts[low]! + 1 };
  };
}
