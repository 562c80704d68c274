/* Starts GOV.UK Frontend's components (navigation toggle, notification banners...) on every page.
   The import is relative to this file, so it follows STATIC_URL wherever the site is mounted. */
import { initAll } from "../vendor/govuk-frontend-5.14.0/govuk-frontend.min.js";

initAll();
