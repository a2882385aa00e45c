// Child of dir-lock.test.ts: waits until the given instant, takes the lock, prints the outcome, holds it 2 s (longer than any sibling takes to start).
import { acquireLock } from "../dir-lock.ts";

const [path, at] = [process.argv[2], Number(process.argv[3])];
while (Date.now() < at) {
  // spin: every child tries at the same instant
}
try {
  const lock = acquireLock(path);
  console.log("locked");
  await Bun.sleep(2000);
  lock.release();
} catch (error) {
  console.log(`refused: ${(error as Error).message}`);
}
