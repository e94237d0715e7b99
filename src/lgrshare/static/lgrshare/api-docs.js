// Swagger UI for the API documentation page: our own script, so the page keeps the strict
// Content-Security-Policy (no inline script). No validator badge: it would call another site.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
  });
})();
