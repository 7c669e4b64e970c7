// Runs in the page (as a WebDriver script body) and returns what the
// discovery crawl needs from it in one round trip: title, headings, every
// link (hidden menu entries included: they are in the document), every
// form with its fields, and the menu toggles that may render more links.
const MAX_LINKS = 500, MAX_FORMS = 50, MAX_FIELDS = 100, MAX_OPTIONS = 25;
const clean = (s) => (s || "").replace(/\s+/g, " ").trim().slice(0, 200);
const cssPath = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
    if (e.id && /^[A-Za-z][\w-]*$/.test(e.id)) { parts.unshift("#" + e.id); break; }
    let i = 1;
    for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) i++;
    parts.unshift(e.tagName.toLowerCase() + ":nth-of-type(" + i + ")");
  }
  return parts.join(" > ");
};
const visible = (el) => {
  const r = el.getBoundingClientRect();
  const st = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && st.visibility !== "hidden" && st.display !== "none";
};
const labelOf = (el) => {
  const by = el.getAttribute("aria-labelledby");
  if (by) {
    const t = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map((n) => n.textContent).join(" ");
    if (clean(t)) return clean(t);
  }
  if (el.getAttribute("aria-label")) return clean(el.getAttribute("aria-label"));
  if (el.labels && el.labels.length) return clean(Array.from(el.labels).map((l) => l.textContent).join(" "));
  if (el.placeholder) return clean(el.placeholder);
  if (el.title) return clean(el.title);
  return "";
};
const described = (el) => {
  const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  return ids.map((id) => document.getElementById(id)).filter(Boolean).map((n) => clean(n.textContent)).filter(Boolean);
};
const nameOf = (el) => clean(el.getAttribute("aria-label") || el.textContent || el.value || el.title || (el.querySelector && el.querySelector("img[alt]") ? el.querySelector("img[alt]").alt : ""));

const links = [];
for (const a of document.querySelectorAll("a[href], area[href]")) {
  if (links.length >= MAX_LINKS) break;
  links.push({ href: a.href, text: nameOf(a), visible: visible(a), in_nav: !!a.closest("nav, [role=navigation], header, menu") });
}
const toggles = [];
for (const el of document.querySelectorAll('[aria-haspopup]:not([aria-haspopup="false"]), [aria-expanded="false"], details:not([open]) > summary')) {
  if (toggles.length >= 20) break;
  if (!visible(el) || el.closest("form")) continue;
  toggles.push({ css: cssPath(el), name: nameOf(el) });
}
const scriptLinks = [];
for (const el of document.querySelectorAll('[role=link]:not([href]), [data-href], [data-route]')) {
  if (scriptLinks.length >= 50) break;
  if (!visible(el)) continue;
  scriptLinks.push({ css: cssPath(el), name: nameOf(el) });
}

const fieldOf = (el) => {
  const tag = el.tagName.toLowerCase();
  const f = {
    tag, type: tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : tag,
    name: el.name || "", id: el.id || "", label: labelOf(el),
    required: el.required || el.getAttribute("aria-required") === "true",
  };
  for (const a of ["pattern", "minlength", "maxlength", "min", "max", "step", "autocomplete", "inputmode"]) {
    const v = el.getAttribute(a);
    if (v !== null && v !== "") f[a] = v;
  }
  if (tag === "select") f.options = Array.from(el.options).slice(0, MAX_OPTIONS).map((o) => clean(o.label || o.textContent));
  const hints = described(el);
  if (hints.length) f.hints = hints;
  if (el.getAttribute("aria-invalid") === "true") f.invalid = true;
  if (el.validationMessage) f.validation_message = clean(el.validationMessage);
  f.visible = visible(el);
  f.css = cssPath(el);
  return f;
};
const isField = (el) => {
  if (el.disabled) return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "input") return !["hidden", "submit", "button", "image", "reset"].includes((el.getAttribute("type") || "text").toLowerCase());
  return tag === "select" || tag === "textarea";
};
const forms = [];
const formEls = Array.from(document.forms);
for (const form of formEls.slice(0, MAX_FORMS)) {
  const fields = Array.from(form.elements).filter(isField).slice(0, MAX_FIELDS).map(fieldOf);
  const submits = Array.from(form.elements).filter((el) =>
    (el.tagName === "BUTTON" && (el.getAttribute("type") || "submit").toLowerCase() === "submit") ||
    (el.tagName === "INPUT" && ["submit", "image"].includes((el.getAttribute("type") || "").toLowerCase())));
  let heading = "";
  for (let e = form; e && !heading; e = e.parentElement) {
    let p = e.previousElementSibling;
    while (p && !/^H[1-6]$/.test(p.tagName)) p = p.previousElementSibling;
    if (p) heading = clean(p.textContent);
  }
  forms.push({
    index: formEls.indexOf(form),
    css: cssPath(form),
    id: form.id || "",
    name: clean(form.getAttribute("aria-label") || form.getAttribute("name") || ""),
    role: form.getAttribute("role") || "",
    heading,
    method: (form.getAttribute("method") || "get").toLowerCase(),
    action: form.getAttribute("action") === null ? "" : form.action,
    novalidate: form.noValidate,
    fields,
    submits: submits.map((b) => ({ text: nameOf(b), css: cssPath(b) })),
    visible: visible(form),
  });
}
const alerts = Array.from(document.querySelectorAll('[role=alert], [role=status], [aria-live]:not([aria-live="off"]), .error, .errors'))
  .filter(visible).map((n) => clean(n.textContent)).filter(Boolean).slice(0, 30);
return {
  url: location.href,
  title: clean(document.title),
  headings: Array.from(document.querySelectorAll("h1")).filter(visible).map((h) => clean(h.textContent)).filter(Boolean).slice(0, 5),
  links, toggles, script_links: scriptLinks, forms, alerts,
  has_password: !!document.querySelector('input[type=password]'),
};
