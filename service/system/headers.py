"""Security headers on every response, added as the response starts (by `FrontMiddleware`,
service/system/front.py, outside Litestar's exception handler, so an answer made from an error
has them too).

- `X-Content-Type-Options: nosniff`: a browser never guesses a type (a JSON body as HTML);
- `Referrer-Policy: no-referrer`: ids in Ladder's addresses never leak to other sites;
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page is framed (clickjacking);
- `Content-Security-Policy`: for JSON and every other non-HTML answer, nothing may load or run
  (`default-src 'none'`); for the HTML API reference under /schema (Scalar), only its script,
  styles and fonts from the CDN it is served from, and the schema from Ladder itself;
- a response that sets its own `Content-Security-Policy` keeps it (the web pages' policy, with
  a nonce per page, from `service/web/pages.py`);
- `Strict-Transport-Security` only on a request that came over https (behind a proxy that ends
  TLS, only if the server is told the original scheme: granian's `--forwarded-allow-ips`).
"""

JSON_POLICY = ("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
               "form-action 'none'")
CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (f"default-src 'none'; script-src {CDN}; style-src {CDN} 'unsafe-inline'; "
               f"img-src {CDN} data:; font-src {CDN} https://fonts.scalar.com data:; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
               "form-action 'none'")
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
          (b"x-frame-options", b"DENY")]
CSP = b"content-security-policy"
JSON_POLICY_BYTES = JSON_POLICY.encode()
DOCS_POLICY_BYTES = DOCS_POLICY.encode()


def secured(headers: list[tuple[bytes, bytes]], https: bool) -> list[tuple[bytes, bytes]]:
    """`headers` (a response's as it starts, a list the caller made) with the security headers
    added; one pass over them for the content type and a policy of the response's own."""
    html = own_policy = False
    for name, value in headers:
        name = name.lower()
        if name == b"content-type":
            html = value.lower().startswith(b"text/html")
        elif name == CSP:
            own_policy = True
    headers += COMMON
    if not own_policy:
        headers.append((CSP, DOCS_POLICY_BYTES if html else JSON_POLICY_BYTES))
    if https:
        headers.append(HSTS)
    return headers
