// The unsubscribe page's HTML: server-rendered, no script, no cookies, a real <form> with
// <fieldset>/<legend> and a <label> per checkbox, so it works in every mail client's browser
// and with assistive technology. A ticked box means "stop emails about this".

export interface Choice {
  current_outreach: boolean;
  new_roles: boolean;
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2330;background:#fff}
fieldset{border:1px solid #c9ced8;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
legend{font-weight:600;padding:0 .3rem}
label{display:flex;gap:.6rem;align-items:center;padding:.3rem 0}
input[type=checkbox]{width:1.2rem;height:1.2rem}
button{font:inherit;padding:.45rem 1.1rem;border-radius:6px;border:1px solid #1a56db;background:#1a56db;color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
[role=status]{background:#ecfdf3;border:1px solid #a6e9c0;border-radius:6px;padding:.6rem .9rem}`;

export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

function summary(c: Choice): string {
  if (!c.current_outreach && !c.new_roles) return 'You will not receive any more outreach emails from us.';
  if (!c.current_outreach)
    return 'You will not receive further emails about this outreach. We may still contact you about new roles.';
  if (!c.new_roles) return 'You will not receive emails about new roles. Emails about this outreach may continue.';
  return 'You are subscribed to both kinds of emails.';
}

/** The form; `saved` adds the confirmation above it, so the same page allows changing back. */
export function renderForm(opts: {
  action: string;
  token: string;
  organization: string;
  choice: Choice;
  saved: boolean;
}): string {
  const { choice } = opts;
  const status = opts.saved ? `<p role="status">Your choice was saved. ${escapeHtml(summary(choice))}</p>` : '';
  return shell(
    opts.saved ? 'Preferences saved' : 'Email preferences',
    `<h1>Email preferences</h1>
${status}
<p>Choose which emails from ${escapeHtml(opts.organization)} you no longer want. You can come back to this page with the same link to change your choice.</p>
<form method="post" action="${escapeHtml(opts.action)}">
<input type="hidden" name="token" value="${escapeHtml(opts.token)}">
<input type="hidden" name="form" value="preferences">
<fieldset><legend>Stop emails about…</legend>
<label><input type="checkbox" id="stop-current" name="stop_current" value="1"${choice.current_outreach ? '' : ' checked'}> Current outreach</label>
<label><input type="checkbox" id="stop-new-roles" name="stop_new_roles" value="1"${choice.new_roles ? '' : ' checked'}> Outreach about new roles</label>
</fieldset>
<button type="submit">Save</button>
</form>`,
  );
}

export function renderMessage(title: string, message: string): string {
  return shell(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
