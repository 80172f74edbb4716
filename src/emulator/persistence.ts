/**
 * Durable storage in a data directory: a snapshot (`state.json`, replaced atomically) plus an
 * append-only journal (`journal.ndjson`, one fsynced line per committed batch). On start the journal
 * is replayed over the snapshot, a torn last line (crash mid-write) is dropped, and both are
 * compacted into a fresh snapshot.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from "node:fs";
import { join } from "node:path";
import { applyOp, emptyState, type StoreJournal, type StoreMeta, type StoreOp, type StoreState } from "./store.js";

const SNAPSHOT = "state.json";
const JOURNAL = "journal.ndjson";

/** A journal file in a data directory. */
export class FileJournal implements StoreJournal {
  private fd: number;

  private constructor(dir: string) {
    this.fd = openSync(join(dir, JOURNAL), "a");
  }

  /**
   * Loads the state kept in `dir` (creating the folder if needed), compacts it, and opens the
   * journal for new writes. `newMeta` provides tenant and secret the first time.
   */
  static open(dir: string, newMeta: () => StoreMeta): { journal: FileJournal; state: StoreState; replayed: number } {
    mkdirSync(dir, { recursive: true });
    const { state, replayed } = loadState(dir, newMeta);
    writeSnapshot(dir, state);
    // The snapshot now holds everything; start an empty journal.
    writeFileDurably(join(dir, JOURNAL), "");
    return { journal: new FileJournal(dir), state, replayed };
  }

  /** Appends one batch as a single line and fsyncs before returning. */
  commit(ops: readonly StoreOp[]): void {
    const line = Buffer.from(JSON.stringify(ops) + "\n", "utf8");
    let offset = 0;
    while (offset < line.length) offset += writeSync(this.fd, line, offset, line.length - offset);
    fsyncSync(this.fd);
  }

  /** Closes the journal file. */
  close(): void {
    closeSync(this.fd);
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
export function writeFileDurably(path: string, content: string): void {
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

