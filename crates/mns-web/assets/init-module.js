// Starts govuk-frontend's components. Every page works without it.
import { initAll } from '/assets/govuk-frontend.min.js';
initAll();

// Conditional reveals for radios marked data-module="app-radios": the follow-up questions
// of an answer (govuk-radios__conditional, named by the radio's data-aria-controls) show only
// while it is chosen. govuk-frontend's own radios do the same but also set aria-expanded on
// the radio, which ARIA 1.2 does not allow on a radio (axe: aria-allowed-attr); this sets only
// aria-controls. Without JavaScript every follow-up shows under its answer.
for (const root of document.querySelectorAll('[data-module="app-radios"]')) {
  const inputs = [...root.querySelectorAll('input[type="radio"]')];
  const sync = () => {
    for (const input of inputs) {
      const target = document.getElementById(input.getAttribute('aria-controls') || '');
      if (target?.classList.contains('govuk-radios__conditional')) {
        target.classList.toggle('govuk-radios__conditional--hidden', !input.checked);
      }
    }
  };
  for (const input of inputs) {
    const id = input.getAttribute('data-aria-controls');
    if (id && document.getElementById(id)) {
      input.setAttribute('aria-controls', id);
      input.removeAttribute('data-aria-controls');
    }
    input.addEventListener('change', sync);
  }
  // A page restored from the back-forward cache keeps its choices: show theirs.
  window.addEventListener('pageshow', sync);
  sync();
}
