// Starts govuk-frontend's components. Every page works without it.
import { initAll } from '/assets/govuk-frontend.min.js';
initAll();
