"""Security headers on every response, set in one place.

The content security policy allows only the app's own scripts and stylesheets: no
inline `<script>`, no `on…=` handlers, no `javascript:` URLs and no `style=`
attributes, so injected markup can neither run code nor restyle a page. The one
`<style>` element a page may need (the print preview's computed layout) carries a
per-response nonce. HSTS is sent only in production, which runs behind TLS.
"""

import secrets

from flask import Flask, Response, current_app, g, has_request_context

HSTS = "max-age=31536000; includeSubDomains"
_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",  # Bootstrap's form icons are data: SVGs
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp_nonce() -> str:
    """For `<style nonce="{{ csp_nonce() }}">`; empty outside a request (PDF rendering)."""
    if not has_request_context():
        return ""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def content_security_policy(nonce: str | None) -> str:
    policy = dict(_POLICY)
    if nonce:
        policy["style-src"] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(g.get("csp_nonce"))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    headers["Referrer-Policy"] = "same-origin"  # feed and status URLs carry tokens
    if current_app.config.get("ENV_NAME") == "production":
        headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
