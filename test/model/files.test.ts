// diskFiles, the loader's window on the file system: what it calls a file, and what it refuses to
// read. Named pipes are tested as real processes in test/cli/process.test.ts: a read of one that
// waits would hang this test run.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { diskFiles, ReadProblem } from "../../src/model/files.js";

const temp = mkdtempSync(path.join(os.tmpdir(), "threatwright-files-"));
after(() => rmSync(temp, { recursive: true, force: true }));

const at = (...parts: string[]) => path.join(temp, ...parts);
writeFileSync(at("model.yaml"), "threatwright: 1\n");
mkdirSync(at("folder"));
symlinkSync("loop", at("loop")); // a link to itself: ELOOP
symlinkSync("nowhere.yaml", at("dangling.yaml"));
symlinkSync("model.yaml", at("link.yaml"));

/** What `read` throws, or a failure when it reads something. */
function thrown(file: string): unknown {
  try {
    diskFiles.read(file);
  } catch (error) {
    return error;
  }
  assert.fail(`${file} was read`);
}

/** The `code` of what `read` throws: what the loader prints. */
const readProblem = (file: string) => String((thrown(file) as NodeJS.ErrnoException).code);

describe("diskFiles.kind", () => {
  it("calls a regular file, and a link to one, a file; a folder a folder", () => {
    assert.equal(diskFiles.kind(at("model.yaml")), "file");
    assert.equal(diskFiles.kind(at("link.yaml")), "file");
    assert.equal(diskFiles.kind(at("folder")), "folder");
  });

  it("calls missing only what does not exist: a missing name, or a path through a regular file", () => {
    assert.equal(diskFiles.kind(at("nothing.yaml")), "missing");
    assert.equal(diskFiles.kind(at("model.yaml", "threatwright.yaml")), "missing");
  });

  it("does not call missing what is there but cannot be looked at or followed: read says why", () => {
    // A link loop (ELOOP), a link to nothing, a device: each is reported by read, not taken for
    // an absent file (which would have the folder reported as holding no model).
    assert.equal(diskFiles.kind(at("loop")), "file");
    assert.equal(diskFiles.kind(at("dangling.yaml")), "file");
    assert.equal(diskFiles.kind("/dev/null"), "file");
  });
});

describe("diskFiles.read", () => {
  it("reads a regular file, and one through a link", () => {
    assert.equal(Buffer.from(diskFiles.read(at("link.yaml"))).toString("utf8"), "threatwright: 1\n");
  });

  it("refuses a device without reading it, saying it is not a regular file", () => {
    assert.equal(readProblem("/dev/null"), "not a regular file but a character device");
    assert.equal(readProblem("/dev/zero"), "not a regular file but a character device");
  });

  it("says in words why it cannot read: a folder, a link loop, a link to nothing, no such file", () => {
    assert.equal(readProblem(at("folder")), "not a regular file but a folder");
    assert.equal(readProblem(at("loop")), "ELOOP: too many symbolic links, or a link that leads to itself");
    assert.equal(readProblem(at("dangling.yaml")), "ENOENT: a symbolic link to a file that does not exist");
    assert.equal(readProblem(at("nothing.yaml")), "ENOENT: no such file");
    assert.equal(readProblem(at("model.yaml", "x.yaml")), "ENOTDIR: a part of the path is a file, not a folder");
  });

  it("gives a hint with each problem, for the loader to print", () => {
    const problem = thrown("/dev/null");
    assert.ok(problem instanceof ReadProblem);
    assert.equal(problem.hint, "give the path of a model file: named pipes, sockets and devices are not read, as reading one may never end");
    const loop = thrown(at("loop"));
    assert.ok(loop instanceof ReadProblem);
    assert.equal(loop.hint, "make the link point at the model file");
  });
});

describe("diskFiles.realpath", () => {
  it("resolves links", () => {
    assert.equal(diskFiles.realpath(at("link.yaml")), diskFiles.realpath(at("model.yaml")));
  });

  it("gives what it cannot resolve (a link loop, a link to nothing) under its resolved folder, so the loader reaches read and reports it", () => {
    assert.equal(diskFiles.realpath(at("loop")), path.join(diskFiles.realpath(temp), "loop"));
    assert.equal(diskFiles.realpath(at("dangling.yaml")), path.join(diskFiles.realpath(temp), "dangling.yaml"));
  });

  it("throws ENOENT for a path that does not exist, as before", () => {
    assert.throws(() => diskFiles.realpath(at("nothing.yaml")), { code: "ENOENT" });
  });
});
