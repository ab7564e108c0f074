// Starts GOV.UK Frontend's components (loaded as an ES module, so browsers without
// module support keep the no-JavaScript experience, as GOV.UK Frontend intends).
import { initAll } from "./govuk-frontend.min.js";

initAll();
