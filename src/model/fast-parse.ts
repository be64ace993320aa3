// The fast path for well-formed model files: js-yaml's event parser is several
// times faster than a full document model, and its events carry source offsets,
// so one pass builds both the value and an index of where every node sits. Any
// file this path does not handle plainly (syntax errors, duplicate keys, tags,
// several documents, complex keys, aliases beyond the limits) goes to the
// careful path in parse.ts, which reports the problem precisely. Anchors,
// aliases and merge keys (<<) are read here, as teams use them for shared
// defaults; an alias stands where it is written, its content has no place of its own.
import { CORE_SCHEMA, constructFromEvents, EVENT_ID, getScalarValue, mergeTag, parseEvents, SCALAR_STYLE } from "js-yaml";
import type { Event } from "js-yaml";

export type Position = { line: number; col: number };

export interface PositionIndex {
  /** Position of the node at the path (the nearest existing ancestor's when absent). */
  locate(path: readonly (string | number)[]): Position;
  /** Position of a key in the mapping at the path. */
  locateKey(path: readonly (string | number)[], key: string): Position | undefined;
}

export type FastOutcome = { handled: true; value: unknown; index: PositionIndex; depth: number } | { handled: false };

/** How far a file may use anchors and aliases on the fast path; the caller owns the figures (parse.ts LIMITS). */
export interface AliasLimits {
  /** Most aliases, and most anchors, in one file. */
  aliases: number;
  /** Most nodes all the file's aliases together may stand for, nested aliases expanded. */
  aliasedNodes: number;
}

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

export function fastParse(text: string, limits: AliasLimits): FastOutcome {
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
      case EVENT_ID.ALIAS: {
        const path = childPath(stack[stack.length - 1]);
        if (path === undefined) return { handled: false };
        nodes.set(path, aliasStart(event));
        break;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.tagStart >= 0) return { handled: false };
        const frame = stack[stack.length - 1];
        const path = childPath(frame);
        if (path === undefined) return { handled: false };
        nodes.set(path, event.start);
        stack.push({ kind: event.type === EVENT_ID.MAPPING ? "map" : "seq", path, next: 0 });
        depth = Math.max(depth, stack.length);
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.tagStart >= 0) return { handled: false };
        const frame = stack[stack.length - 1];
        if (frame?.kind === "map" && frame.key === undefined) {
          if (event.valueStart < 0) return { handled: false }; // an empty key
          const key = getScalarValue(text, event);
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

  const constructed = construct(events, text, limits);
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
export function plainParse(text: string, limits: AliasLimits): PlainParse | undefined {
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
  // A value that is an ID (or a decision's finding) where the loader places one: recorded at `offset`.
  const placeValue = (frame: PlainFrame, offset: number) => {
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
  };
  const stack: PlainFrame[] = [];
  let documents = 0;
  let depth = 0;
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1) return undefined;
        break;
      case EVENT_ID.ALIAS: {
        const frame = stack[stack.length - 1];
        if (!frame) break;
        if (!frame.isMap) frame.next++;
        else if (frame.expectsKey) return undefined; // an alias as a key
        else {
          frame.expectsKey = true;
          if (frame.key !== undefined && stack.length > 1) placeValue(frame, aliasStart(event));
        }
        break;
      }
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.tagStart >= 0) return undefined;
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
        if (event.tagStart >= 0) return undefined;
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
          placeValue(frame, event.valueStart >= 0 ? scalarStart(text, event) : frame.keyOffset);
        }
        break;
      }
      case EVENT_ID.POP:
        if (stack.length > 0) stack.pop();
        break;
    }
  }

  const constructed = construct(events, text, limits);
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

/** Where an alias is written: at its '*' (the event's range is the name after it). */
const aliasStart = (event: { anchorStart: number }) => event.anchorStart - 1;

const SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/**
 * The document's value built from its events, or undefined where js-yaml refuses it or its aliases
 * go beyond the limits (the careful path then says why). Merge keys (<<) are read as YAML 1.1 and
 * yaml's merge option read them: keys written in the mapping win over merged ones.
 */
function construct(events: Event[], text: string, limits: AliasLimits): { value: unknown } | undefined {
  // Without '&' or '*' the file has no anchor and no alias: no pass over the events for them.
  const aliases = /[&*]/.test(text) ? aliasesWithin(events, text, limits) : 0;
  if (aliases === undefined) return undefined;
  let value: unknown;
  try {
    value = constructFromEvents(events, { source: text, schema: SCHEMA })[0];
  } catch {
    return undefined;
  }
  // js-yaml gives an alias its anchor's very object; the model gets copies, so no two places share one.
  return { value: aliases > 0 ? unshared(value) : value };
}

/**
 * How many aliases the file has, or undefined when its anchors and aliases go beyond the limits:
 * so many aliases and anchors, and so many nodes the aliases stand for with nested ones expanded,
 * which stops a "billion laughs" document before anything walks it. An alias to an anchor not yet closed (a value that contains itself)
 * or not defined is left to the careful path.
 */
function aliasesWithin(events: readonly Event[], text: string, limits: AliasLimits): number | undefined {
  const sizes = new Map<string, number>();
  const open: { size: number; anchor: string | undefined }[] = [];
  let anchors = 0;
  let aliases = 0;
  let expanded = 0;
  const anchorOf = (event: { anchorStart: number; anchorEnd: number }) => (event.anchorStart >= 0 ? text.slice(event.anchorStart, event.anchorEnd) : undefined);
  const count = (size: number) => {
    const top = open[open.length - 1];
    if (top) top.size += size;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        open.push({ size: 0, anchor: undefined });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const anchor = anchorOf(event);
        if (anchor !== undefined && ++anchors > limits.aliases) return undefined;
        open.push({ size: 1, anchor });
        break;
      }
      case EVENT_ID.SCALAR: {
        const anchor = anchorOf(event);
        if (anchor !== undefined) {
          if (++anchors > limits.aliases) return undefined;
          sizes.set(anchor, 1);
        }
        count(1);
        break;
      }
      case EVENT_ID.POP: {
        const closed = open.pop();
        if (closed?.anchor !== undefined) sizes.set(closed.anchor, closed.size);
        if (closed) count(closed.size);
        break;
      }
      case EVENT_ID.ALIAS: {
        const size = sizes.get(text.slice(event.anchorStart, event.anchorEnd));
        if (++aliases > limits.aliases || size === undefined) return undefined;
        expanded += size;
        if (expanded > limits.aliasedNodes) return undefined;
        count(size);
        break;
      }
    }
  }
  return aliases;
}

/** A copy of a parsed value in which no object or list appears twice. */
function unshared(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unshared);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unshared(item)]));
  return value;
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
