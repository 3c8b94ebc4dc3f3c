// Starts govuk-frontend's components. Every page works without it.
import { Radios, createAll, initAll } from '/assets/govuk-frontend.min.js';

// GOV.UK Frontend's radios with conditionally revealed questions, less one attribute. Upstream
// marks each radio that reveals something aria-expanded, which ARIA does not allow on a radio
// (axe: aria-allowed-attr; govuk-frontend issue #979). Everything else is upstream's: the
// questions under an unchosen answer are hidden, the radio names what it reveals
// (aria-controls), and the state is kept on load and on back and forward. Without JavaScript
// every follow-up question shows.
class RevealingRadios extends Radios {
  static moduleName = 'app-revealing-radios';

  syncConditionalRevealWithInputState($input) {
    const id = $input.getAttribute('aria-controls');
    const $target = id ? document.getElementById(id) : null;
    if ($target && $target.classList.contains('govuk-radios__conditional')) {
      $target.classList.toggle('govuk-radios__conditional--hidden', !$input.checked);
    }
  }
}

initAll();
createAll(RevealingRadios);
