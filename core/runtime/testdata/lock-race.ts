// Child of dir-lock.test.ts: waits until the given instant, takes the lock, prints the outcome, holds it until the
// parent closes stdin (after every sibling has answered, however late a loaded machine started it).
import { acquireLock } from "../dir-lock.ts";

const [path, at] = [process.argv[2], Number(process.argv[3])];
while (Date.now() < at) {
  // spin: every child tries at the same instant
}
try {
  const lock = acquireLock(path);
  console.log("locked");
  for await (const _ of Bun.stdin.stream()) {
    // hold the lock until stdin closes
  }
  lock.release();
} catch (error) {
  console.log(`refused: ${(error as Error).message}`);
}
