/**
 * Temperatures from `<sysRoot>/class/thermal/thermal_zone*` (edge boards, laptops, servers
 * with ACPI zones). Hosts without thermal zones (most VMs) simply emit nothing.
 */
import { readdir, readFile } from "node:fs/promises";
import { num, type Round } from "./round.ts";

/**
 * Read every thermal zone into `round`: `thermal.temp_celsius` with labels `zone`
 * (`thermal_zone0`) and `type` (`x86_pkg_temp`, `cpu-thermal`...). A missing thermal class
 * directory is not an error; an unreadable or malformed zone is.
 *
 * @example
 * await readThermal(round, "/sys");
 */
export async function readThermal(round: Round, sysRoot: string): Promise<void> {
  const dir = `${sysRoot}/class/thermal`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") round.readError(dir, err);
    return;
  }
  const zones = names.filter((n) => n.startsWith("thermal_zone")).sort();
  const texts = await Promise.all(
    zones.map((z) =>
      Promise.all([readFile(`${dir}/${z}/temp`, "utf8"), readFile(`${dir}/${z}/type`, "utf8").catch(() => "")]).catch((err: unknown) => ({ err })),
    ),
  );
  for (let i = 0; i < zones.length; i++) {
    const t = texts[i];
    const file = `${dir}/${zones[i]}/temp`;
    if (!Array.isArray(t)) {
      // Zones of powered-down devices answer EAGAIN/ENODATA: report, keep going.
      round.readError(file, t.err);
      continue;
    }
    const milli = num(t[0].trim());
    if (!Number.isFinite(milli)) {
      round.parseError(file, `not a number: ${JSON.stringify(t[0].slice(0, 40))}`);
      continue;
    }
    round.gauge("thermal.temp_celsius", { zone: zones[i], type: t[1].trim() || zones[i] }, milli / 1000);
  }
}
