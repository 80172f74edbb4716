/**
 * Durable storage in a data directory: a snapshot (`state.json`, replaced atomically) plus an
 * append-only journal (`journal.ndjson`, one fsynced line per committed batch). On start the journal
 * is replayed over the snapshot, a torn last line (crash mid-write) is dropped, and both are
 * compacted into a fresh snapshot.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { applyOp, emptyState, type StoreJournal, type StoreMeta, type StoreOp, type StoreState } from "./store.js";

const SNAPSHOT = "state.json";
const JOURNAL = "journal.ndjson";
const LOCK = "emulator.lock";
/** Lock files this process holds (two emulators in one process must not share a folder either). */
const heldLocks = new Set<string>();

/** Claims a data directory for this process; a lock left by a process that no longer runs is taken over. */
function acquireLock(dir: string): void {
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      heldLocks.add(path);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(readFileSync(path, "utf8"));
      const heldHere = owner === process.pid && heldLocks.has(path);
      if (heldHere || (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner))) {
        throw new Error(`The data directory '${dir}' is in use by another emulator (process ${owner}); stop it or choose another --data-dir.`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory '${dir}'.`);
}

function releaseLock(dir: string): void {
  const path = join(dir, LOCK);
  heldLocks.delete(path);
  rmSync(path, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A journal file in a data directory. */
export class FileJournal implements StoreJournal {
  private fd: number;

  private constructor(private readonly dir: string) {
    this.fd = openSync(join(dir, JOURNAL), "a");
  }

  /**
   * Loads the state kept in `dir` (creating the folder if needed), compacts it, and opens the
   * journal for new writes. `newMeta` provides tenant and secret the first time.
   */
  static open(dir: string, newMeta: () => StoreMeta): { journal: FileJournal; state: StoreState; replayed: number } {
    mkdirSync(dir, { recursive: true });
    acquireLock(dir);
    try {
      const { state, replayed } = loadState(dir, newMeta);
      writeSnapshot(dir, state);
      // The snapshot now holds everything; start an empty journal.
      writeFileDurably(join(dir, JOURNAL), "");
      return { journal: new FileJournal(dir), state, replayed };
    } catch (e) {
      releaseLock(dir);
      throw e;
    }
  }

  /** Appends one batch as a single line and fsyncs before returning. */
  commit(ops: readonly StoreOp[]): void {
    const line = Buffer.from(JSON.stringify(ops) + "\n", "utf8");
    let offset = 0;
    while (offset < line.length) offset += writeSync(this.fd, line, offset, line.length - offset);
    fsyncSync(this.fd);
  }

  /** Closes the journal file and releases the data directory. */
  close(): void {
    closeSync(this.fd);
    releaseLock(this.dir);
  }
}

function loadState(dir: string, newMeta: () => StoreMeta): { state: StoreState; replayed: number } {
  const snapshotPath = join(dir, SNAPSHOT);
  let state: StoreState;
  if (existsSync(snapshotPath)) {
    const parsed = JSON.parse(readFileSync(snapshotPath, "utf8")) as StoreState;
    state = { ...emptyState(parsed.meta), ...parsed };
  } else {
    state = emptyState(newMeta());
  }
  let replayed = 0;
  const journalPath = join(dir, JOURNAL);
  if (existsSync(journalPath)) {
    const lines = readFileSync(journalPath, "utf8").split("\n");
    for (const line of lines) {
      if (!line) continue;
      let ops: StoreOp[];
      try {
        ops = JSON.parse(line) as StoreOp[];
      } catch {
        // Only the batch being written when the process died can be torn; it was never acknowledged.
        break;
      }
      for (const op of ops) applyOp(state, op);
      replayed++;
    }
  }
  return { state, replayed };
}

function writeSnapshot(dir: string, state: StoreState): void {
  writeFileDurably(join(dir, SNAPSHOT), JSON.stringify(state));
}

/** Write to a temp file, fsync, rename over the target, fsync the folder: never a half-written file. */
function writeFileDurably(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dirFd = openSync(join(path, ".."), "r");
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}

