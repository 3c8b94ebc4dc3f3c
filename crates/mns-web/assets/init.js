// Marks the page as able to run govuk-frontend's JavaScript (the snippet from its template),
// kept in a file so the Content Security Policy can forbid inline scripts.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
