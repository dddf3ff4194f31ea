"""Security headers on every response, added as the response starts (the app's `before_send`).

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

from litestar.types import Message, Scope

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


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.lower().startswith(b"text/html")
    return False


async def security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers") or [])
    policy = DOCS_POLICY if _is_html(headers) else JSON_POLICY
    headers += COMMON
    if not any(name.lower() == CSP for name, _ in headers):
        headers.append((CSP, policy.encode()))
    if scope.get("scheme") == "https":
        headers.append(HSTS)
    message["headers"] = headers
