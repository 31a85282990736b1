// Swagger UI for the worker that serves this page: its own /openapi.json, "Try it out" open by
// default, nothing fetched from anywhere else (no validator badge, no CDN).
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  validatorUrl: null,
});
