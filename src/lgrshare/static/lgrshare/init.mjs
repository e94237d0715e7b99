import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();

// Special category data defaults to OFFICIAL-SENSITIVE: choosing it on the agreement form marks
// the agreement so. The person may still choose otherwise; the service refuses review then.
for (const special of document.querySelectorAll(
  'input[name="personal_data"][value="special-category"]',
)) {
  special.addEventListener("change", () => {
    const sensitive = special.form?.querySelector(
      'input[name="classification"][value="OFFICIAL-SENSITIVE"]',
    );
    if (special.checked && sensitive) sensitive.checked = true;
  });
}
