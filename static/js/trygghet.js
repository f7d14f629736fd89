// Trygghet: site-wide behaviour. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";
  if (window.htmx) {
    // htmx would otherwise add an inline <style> element, which the CSP forbids.
    htmx.config.includeIndicatorStyles = false;
    htmx.config.allowEval = false;
  }
})();
