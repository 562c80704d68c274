/* Run at the top of <body>, before anything is drawn: tells GOV.UK Frontend's styles that
   JavaScript is on (and whether its components are supported), so pages do not flicker.
   A file rather than an inline script: the Content Security Policy allows scripts from this site only. */
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
