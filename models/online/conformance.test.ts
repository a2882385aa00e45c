/** The online model conformance suite (models/testing) for `online:default`, `online:lite` and `online:window`. */
import { runOnlineModelConformance } from "../testing/conformance.ts";
import { createOnlineModel } from "./default.ts";

runOnlineModelConformance("online:default", { make: () => createOnlineModel("online:default"), alarmsPerDay: 0.1 });
runOnlineModelConformance("online:default?alarms_per_day=10", { make: () => createOnlineModel("online:default?alarms_per_day=10"), alarmsPerDay: 10 });
runOnlineModelConformance("online:lite", { make: () => createOnlineModel("online:lite"), alarmsPerDay: 0.1 });
runOnlineModelConformance("online:window", { make: () => createOnlineModel("online:window") });
