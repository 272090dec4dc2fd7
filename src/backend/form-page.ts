/** The seed's replicated web app: one small HTML form, served by every backend. */
export function formPage(name: string): string {
  const safe = name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>pibl demo backend ${safe}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.5rem 0}</style>
</head>
<body>
<h1>pibl demo backend</h1>
<p>Answered by <strong id="backend">${safe}</strong>. Reload through the gateway to watch the balancer take turns.</p>
<form method="post" action="/">
  <label>Name <input name="name" required></label>
  <label>Message <input name="message"></label>
  <button type="submit">Send</button>
</form>
<p>JSON from the origin data: <a href="/article/1">/article/1</a></p>
</body>
</html>
`;
}
