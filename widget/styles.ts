// The widget's only stylesheet, adopted into its shadow root. `:host` wins over the host page's !important rules,
// sizes are in px because the page may shrink rem, and both choices share one class so a theme can't split them.
// Theme hooks (custom properties on the host): --assent-bg, --assent-fg, --assent-btn, --assent-btn-fg,
// --assent-focus, --assent-error, --assent-radius. Dark: `theme="dark"`, or the visitor's preference when neither the
// page nor the site chose a theme (a site's own colours are kept as they are). Nothing moves: no transitions.
export const css = `:host{all:initial!important;display:block!important;position:relative!important;isolation:isolate!important;z-index:2147483000!important;max-width:560px!important;margin:16px 0!important;font:16px/1.5 system-ui,sans-serif!important}
.w{--bg:var(--assent-bg,#fff);--fg:var(--assent-fg,#1a1a1a);--btn:var(--assent-btn,#1f3a8a);--btn-fg:var(--assent-btn-fg,#fff);--focus:var(--assent-focus,#b8360b);--err:var(--assent-error,#b00020);--r:var(--assent-radius,8px)}
:host([theme=dark]) .w{--bg:#161a22;--fg:#f2f2f2;--btn:#dbe4ff;--btn-fg:#0d1b3f;--focus:#ffb38a;--err:#ffb4ab}
@media (prefers-color-scheme:dark){:host(:not([theme])) .w{--bg:#161a22;--fg:#f2f2f2;--btn:#dbe4ff;--btn-fg:#0d1b3f;--focus:#ffb38a;--err:#ffb4ab}}
*{box-sizing:border-box;font:inherit}
.w{display:block;background:var(--bg);color:var(--fg);border:1px solid #767676;border-radius:var(--r);padding:16px}
h2{font-size:20px;font-weight:700;margin:0 0 8px}
p{margin:0 0 8px}
.m{font-size:14px}
a{color:inherit;display:inline-block;min-height:24px}
.v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
label{display:block;font-weight:700;margin:8px 0 4px}
.f,.b{display:flex;gap:8px}
input,select,.c{min-height:44px;min-width:44px;padding:8px;color:var(--fg);background:var(--bg);border:1px solid #767676;border-radius:var(--r)}
input{flex:1;width:100%}
[aria-invalid=true]{border:2px solid var(--err)}
.x{align-self:center;font-weight:700}
.b{margin:12px 0 0}
.c{flex:1 1 0;margin:0;font-weight:700;cursor:pointer;color:var(--btn-fg);background:var(--btn);border:2px solid var(--btn)}
.c:hover{filter:brightness(1.2)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.s{font-weight:700;margin:12px 0 0}
.e{color:var(--err)}
.n{white-space:nowrap}`;
