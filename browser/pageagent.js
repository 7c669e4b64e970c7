// The page agent: installed once per document (as a non-enumerable property
// of window under a per-session random key) and called by the Go side with
// one short expression per command, so the hot path never re-sends this
// source. Every entry point returns a JSON string: Go decodes it, and a
// string crosses chromedriver's serializer far cheaper than a deep object.
//
// It runs in the page's own world, so it avoids depending on globals a page
// may have replaced and only reads the DOM. It never clicks: input is
// dispatched by the browser as trusted events; this script only finds,
// checks and scrolls.
(function (KEY) {
  'use strict';

  var MAX_NAME = 100;      // characters of an accessible name
  var MAX_VALUE = 200;     // characters of a field value
  var MAX_OPTIONS = 25;    // options listed for a <select>
  var MAX_ATTR = 300;      // href, placeholder
  var MASK = '••••••••';   // every non-empty password value, whatever its length

  var token = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

  // A click or key press may start replacing this document. For links and
  // location changes the Navigation API announces it synchronously, before
  // the input command returns, so the next observe or resolve can tell the
  // caller to wait for the new page (through WebDriver, which tracks page
  // loads) instead of describing a page that is about to go away. A form
  // submission navigates one task later; its submit event, which does fire
  // synchronously, makes the next check first let queued tasks run. A
  // document still loading is treated as busy too, once.
  var navPending = false, loadWaited = false, submitted = null;
  try {
    var nav = window.navigation;
    if (nav && nav.addEventListener) {
      nav.addEventListener('navigate', function (e) {
        if (!e.destination.sameDocument && !e.downloadRequest) navPending = true;
      });
      var settled = function () { navPending = false; };
      nav.addEventListener('navigatesuccess', settled);
      nav.addEventListener('navigateerror', settled);
    }
    window.addEventListener('submit', function (e) { submitted = e; }, true);
  } catch (e) { /* no Navigation API: WebDriver's own waiting applies */ }
  var BUSY = '{"busy":1}';

  // afterTasks resolves once the tasks already queued have run. (Blink runs
  // tasks of the same priority in the order they were posted.)
  function afterTasks() {
    return new Promise(function (resolve) {
      var ch = new MessageChannel();
      ch.port1.onmessage = function () { ch.port1.close(); resolve(); };
      ch.port2.postMessage(0);
    });
  }

  // submitNavigates: the last submit event will navigate this document.
  function submitNavigates() {
    var e = submitted;
    submitted = null;
    if (!e || e.defaultPrevented) return false;
    var t = (e.submitter && e.submitter.getAttribute('formtarget')) || (e.target && e.target.getAttribute && e.target.getAttribute('target')) || '';
    return t === '' || t === '_self' || t === '_top' || t === '_parent';
  }

  // whenSettled calls then(busy) at once, or after queued tasks when a form
  // submission is about to navigate.
  function whenSettled(force, then) {
    if (!force && submitNavigates()) return afterTasks().then(function () { return then(busy(false)); });
    return then(busy(force));
  }

  function busy(force) {
    if (force) { navPending = false; loadWaited = true; return false; }
    return navPending || (!loadWaited && document.readyState !== 'complete');
  }
  var seq = 0;
  var ids = new WeakMap(); // element -> index, stable while the element lives
  var refs = new Map();    // index -> WeakRef(element)

  var ROLES = {
    button: 1, link: 1, checkbox: 1, radio: 1, 'switch': 1, tab: 1, menuitem: 1,
    menuitemcheckbox: 1, menuitemradio: 1, option: 1, combobox: 1, textbox: 1,
    searchbox: 1, slider: 1, spinbutton: 1, treeitem: 1
  };
  var INPUT_ROLES = {
    button: 'button', submit: 'button', reset: 'button', image: 'button',
    checkbox: 'checkbox', radio: 'radio', range: 'slider', number: 'spinbutton',
    search: 'searchbox', email: 'textbox', tel: 'textbox', text: 'textbox',
    url: 'textbox', password: 'textbox', '': 'textbox'
  };
  var CURSOR_TAGS = { DIV: 1, SPAN: 1, LI: 1, IMG: 1, svg: 1, I: 1, TD: 1, P: 1, H1: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1, LABEL: 1, STRONG: 1, B: 1, EM: 1 };

  function indexOf(el) {
    var i = ids.get(el);
    if (i === undefined) {
      i = ++seq;
      ids.set(el, i);
      refs.set(i, new WeakRef(el));
    }
    return i;
  }

  function lookup(i) {
    var r = refs.get(i);
    return r ? r.deref() : undefined;
  }

  function clip(s, n) {
    s = s == null ? '' : String(s);
    return s.length > n ? s.slice(0, n - 1) + '…' : s;
  }

  function squash(s) {
    return s ? String(s).replace(/\s+/g, ' ').trim() : '';
  }

  function norm(s) {
    return squash(s).toLowerCase();
  }

  // ---- roles and names --------------------------------------------------

  function inputType(el) {
    return (el.getAttribute('type') || '').toLowerCase();
  }

  // role returns the ARIA role (explicit or implicit) if el is interactive,
  // '' for an interactive element without one (e.g. a file input), or null.
  function role(el, tag) {
    var r = el.getAttribute('role');
    if (r) {
      r = r.trim().split(/\s+/)[0].toLowerCase();
      if (ROLES[r]) return r;
    }
    switch (tag) {
      case 'A': case 'AREA':
        return el.hasAttribute('href') ? 'link' : generic(el);
      case 'BUTTON': case 'SUMMARY':
        return 'button';
      case 'SELECT':
        return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
      case 'TEXTAREA':
        return 'textbox';
      case 'INPUT':
        var t = inputType(el);
        if (t === 'hidden') return null;
        if (el.hasAttribute('list') && (t === '' || t === 'text' || t === 'search')) return 'combobox';
        var ir = INPUT_ROLES[t];
        return ir === undefined ? '' : ir;
    }
    if (el.hasAttribute('contenteditable') && el.isContentEditable) {
      var p = el.parentElement;
      if (!p || !p.isContentEditable) return 'textbox';
    }
    return generic(el);
  }

  // generic recognises elements made clickable by attributes. Elements
  // made clickable only by a script's event listener are found through the
  // pointer cursor instead (see pointerRoot).
  function generic(el) {
    if (el.hasAttribute('onclick')) return 'generic';
    var ti = el.getAttribute('tabindex');
    if (ti !== null && ti !== '' && +ti >= 0) return 'generic';
    return null;
  }

  function byIdText(el, ids) {
    var root = el.getRootNode();
    var out = [];
    ids.split(/\s+/).forEach(function (id) {
      var t = id && root.getElementById ? root.getElementById(id) : null;
      if (t) out.push(t.textContent);
    });
    return squash(out.join(' '));
  }

  function labelText(el) {
    var ls = el.labels;
    if (!ls || !ls.length) return '';
    var out = [];
    for (var i = 0; i < ls.length; i++) out.push(ls[i].textContent);
    return squash(out.join(' '));
  }

  // labelSources are the names a form field goes by, best first: its
  // labelling (aria-labelledby, aria-label, <label>); then, for the many
  // real pages that leave fields unlabelled, what a person would call it:
  // the visible context (its table headers, the label-like text beside
  // it), its title, its placeholder, and its name or id attribute.
  var labelSources = [
    function (el) { var v = el.getAttribute('aria-labelledby'); return v ? byIdText(el, v) : ''; },
    function (el) { return squash(el.getAttribute('aria-label')); },
    labelText,
    contextName,
    function (el) { return squash(el.getAttribute('title')); },
    function (el) { return squash(el.getAttribute('placeholder')); },
    function (el) { return attrName(el.getAttribute('name')) || attrName(el.id); }
  ];

  // fieldLabel is the best name of a form field (see labelSources).
  function fieldLabel(el, r) {
    for (var i = 0; i < labelSources.length; i++) {
      var v = labelSources[i](el, r);
      if (v) return v;
    }
    return '';
  }

  // fieldLabels is every name of a form field, for finding it by label.
  function fieldLabels(el, r) {
    var out = [];
    for (var i = 0; i < labelSources.length; i++) {
      var v = labelSources[i](el, r);
      if (v) out.push(v);
    }
    return out;
  }

  // contentName uses innerText when the element has children, so block
  // boundaries become spaces ("Weekly report Open the card", not
  // "Weekly reportOpen the card") and hidden children are left out.
  function contentName(el) {
    var t = squash(el.childElementCount ? el.innerText : el.textContent);
    if (t) return t;
    var img = el.querySelector('img[alt],[aria-label],svg title');
    if (img) {
      t = squash(img.getAttribute('alt') || img.getAttribute('aria-label') || img.textContent);
      if (t) return t;
    }
    return squash(el.getAttribute('title'));
  }

  // ---- names for unlabelled fields -----------------------------------------

  var FIELD_SEL = 'input:not([type=hidden]),select,textarea,[contenteditable=""],[contenteditable=true]';
  var LABEL_MAX = 60; // longer text is prose, not a label

  // contextName names a field by what surrounds it on screen: the headers
  // of its table cell (Adminer's login: <th>Username<td><input>), else the
  // label-like text right after a checkbox or radio button, else the text
  // right before the field.
  function contextName(el, r) {
    var v = cellHeaders(el);
    if (v) return v;
    var t = el.tagName === 'INPUT' ? inputType(el) : '';
    if (t === 'checkbox' || t === 'radio' || r === 'checkbox' || r === 'radio' || r === 'switch') {
      v = nearText(el, true);
      if (v) return v;
    }
    return nearText(el, false);
  }

  // labelLike cleans a candidate label ("Username:", "Email *") and refuses
  // prose.
  function labelLike(t) {
    t = squash(t).replace(/\s*[:*]+\s*$/, '');
    return t && t.length <= LABEL_MAX ? t : '';
  }

  // cellHeaders names a control inside a table cell by its row header (the
  // row's <th>, or failing that its first other cell with text, such as an
  // invoice number) and its column header (the <th> above it), e.g.
  // "Username" or "INV-1042 Copies". A header row has no row header.
  function cellHeaders(el) {
    var cell = el.closest('td,th');
    if (!cell) return '';
    var row = cell.parentElement, table = cell.closest('table');
    if (!row || !table || row.tagName !== 'TR') return '';
    var cells = row.cells, rowName = '', firstText = '', col = -1, at = 0, headerRow = true, i, c;
    for (i = 0; i < cells.length; i++) {
      c = cells[i];
      if (c === cell) col = at;
      at += c.colSpan || 1;
      if (c.tagName !== 'TH') headerRow = false;
    }
    for (i = 0; !headerRow && i < cells.length; i++) {
      c = cells[i];
      if (c === cell || c.querySelector(FIELD_SEL)) continue;
      var t = labelLike(c.innerText);
      if (!t) continue;
      if (c.tagName === 'TH') { rowName = t; break; }
      if (!firstText) firstText = t;
    }
    rowName = rowName || firstText;
    var colName = '';
    var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (!head) {
      var first = table.rows[0];
      if (first && !first.querySelector('td')) head = first;
    }
    if (head && head !== row) {
      for (i = 0, at = 0; i < head.cells.length; i++) {
        var span = head.cells[i].colSpan || 1;
        if (col >= at && col < at + span) { colName = labelLike(head.cells[i].innerText); break; }
        at += span;
      }
    }
    if (rowName && colName && rowName !== colName) return clip(rowName + ' ' + colName, MAX_NAME);
    return rowName || colName;
  }

  // nearText is the label-like text right before el (or right after it,
  // for a checkbox), looking through siblings and up to four ancestors but
  // never past another control, whose text that would be (a search box
  // after the navigation is not called "Sign in").
  function nearText(el, after) {
    var node = el;
    for (var depth = 0; node && depth < 4; depth++) {
      for (var s = after ? node.nextSibling : node.previousSibling; s; s = after ? s.nextSibling : s.previousSibling) {
        if (s.nodeType === 3) {
          if (s.data.trim()) return labelLike(s.data);
          continue;
        }
        if (s.nodeType !== 1 || s.tagName === 'SCRIPT' || s.tagName === 'STYLE') continue;
        if (s.matches(INTERACTIVE_SEL) || s.querySelector(INTERACTIVE_SEL)) return '';
        var t = s.innerText;
        if (!t || !t.trim()) continue;
        var lines = t.trim().split('\n');
        return labelLike(after ? lines[0] : lines[lines.length - 1]);
      }
      node = node.parentElement;
      if (!node || node.tagName === 'BODY' || node.tagName === 'FORM' || node.tagName === 'TD' || node.tagName === 'TH' || node.tagName === 'LI') return '';
    }
    return '';
  }

  // attrName turns a name or id attribute into words: auth[username] →
  // "username", first_name → "first name", billingZip → "billing zip".
  // Generated ids (":r1:", "input-17", "ext-gen42") say nothing and are
  // refused.
  function attrName(v) {
    if (!v) return '';
    var m = v.match(/\[([^\[\]]+)\]$/);
    if (m) v = m[1];
    if (/^[:_\-]|\d{2,}|^\W*$/.test(v) || v.length > 40) return '';
    v = v.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ').trim().toLowerCase();
    return /[a-z]/.test(v) ? v : '';
  }

  // name approximates the accessible name computation closely enough to
  // tell a model and a replay what an element is called. Fields without
  // labelling get the name a person would use (see labelSources); other
  // elements without a name fall back to their name or id attribute.
  function name(el, tag, r) {
    return accName(el, tag, r) || clip(attrName(el.getAttribute('name')) || attrName(el.id), MAX_NAME);
  }

  function accName(el, tag, r) {
    var v = el.getAttribute('aria-labelledby');
    if (v) { v = byIdText(el, v); if (v) return clip(v, MAX_NAME); }
    v = squash(el.getAttribute('aria-label'));
    if (v) return clip(v, MAX_NAME);
    if (tag === 'INPUT') {
      var t = inputType(el);
      if (t === 'submit' || t === 'reset' || t === 'button') {
        return clip(squash(el.value) || labelText(el) || (t === 'submit' ? 'Submit' : t === 'reset' ? 'Reset' : ''), MAX_NAME);
      }
      if (t === 'image') return clip(squash(el.getAttribute('alt')) || 'Submit', MAX_NAME);
      return clip(fieldLabel(el, r), MAX_NAME);
    }
    if (tag === 'SELECT' || tag === 'TEXTAREA') return clip(fieldLabel(el, r), MAX_NAME);
    if (tag === 'LABEL') return clip(squash(el.textContent), MAX_NAME);
    if (tag === 'IMG') return clip(squash(el.getAttribute('alt') || el.getAttribute('title')), MAX_NAME);
    if (tag === 'IFRAME' || tag === 'FRAME') return clip(squash(el.getAttribute('title') || el.getAttribute('name')), MAX_NAME);
    if (r === 'textbox' || r === 'combobox' || r === 'searchbox') {
      v = labelText(el) || squash(el.getAttribute('title')) || contextName(el, r);
      if (v) return clip(v, MAX_NAME);
    }
    return clip(contentName(el), MAX_NAME);
  }

  // ---- element description ---------------------------------------------

  function value(el, tag, r) {
    var v = '';
    if (tag === 'INPUT') {
      var t = inputType(el);
      if (t === 'checkbox' || t === 'radio' || t === 'submit' || t === 'reset' || t === 'button' || t === 'image') return '';
      if (t === 'password') return el.value ? MASK : '';
      if (t === 'file') {
        var fs = el.files, names = [];
        for (var i = 0; fs && i < fs.length; i++) names.push(fs[i].name);
        return clip(names.join(', '), MAX_VALUE);
      }
      v = el.value;
    } else if (tag === 'TEXTAREA') {
      v = el.value;
    } else if (tag === 'SELECT') {
      var sel = [];
      for (var j = 0; j < el.options.length; j++) if (el.options[j].selected) sel.push(squash(el.options[j].label || el.options[j].text));
      v = sel.join(', ');
    } else if (r === 'textbox' && el.isContentEditable) {
      v = el.innerText;
    } else if (r === 'slider' || r === 'spinbutton') {
      v = el.getAttribute('aria-valuetext') || el.getAttribute('aria-valuenow') || '';
    }
    return clip(v, MAX_VALUE);
  }

  function options(el) {
    var out = [];
    for (var j = 0; j < el.options.length && j < MAX_OPTIONS; j++) out.push(clip(squash(el.options[j].label || el.options[j].text), MAX_NAME));
    if (el.options.length > MAX_OPTIONS) out.push('… ' + (el.options.length - MAX_OPTIONS) + ' more');
    return out;
  }

  function isChecked(el, tag) {
    if (tag === 'INPUT') return !!el.checked;
    var a = el.getAttribute('aria-checked') || el.getAttribute('aria-pressed');
    return a === 'true' || a === 'mixed';
  }

  function isSelected(el, tag) {
    if (tag === 'OPTION') return !!el.selected;
    return el.getAttribute('aria-selected') === 'true';
  }

  function isDisabled(el) {
    try {
      if (el.matches(':disabled')) return true;
    } catch (e) { /* not a form element */ }
    return el.getAttribute('aria-disabled') === 'true';
  }

  // ---- paths ------------------------------------------------------------

  // Paths look like XPath: /html/body/form/div[2]/input[3], with
  // "#shadow-root" and "#document" steps into shadow roots and frames. They
  // are stable across reloads of the same markup, which is what replay
  // fingerprints need.
  function makePather() {
    var memo = new Map(); // element -> path
    var segs = new Map(); // element -> its step, filled a parent at a time
    function seg(el) {
      // Most elements are only children or the only one of their tag
      // nearby; those need no sibling census.
      var prev = el.previousElementSibling, next = el.nextElementSibling;
      if (!prev && !next) return el.localName;
      var v = segs.get(el);
      if (v !== undefined) return v;
      var kids = el.parentNode.children, count = Object.create(null), i, n;
      for (i = 0; i < kids.length; i++) {
        n = kids[i].localName;
        count[n] = (count[n] || 0) + 1;
      }
      var seen = Object.create(null);
      for (i = 0; i < kids.length; i++) {
        n = kids[i].localName;
        seen[n] = (seen[n] || 0) + 1;
        segs.set(kids[i], count[n] > 1 ? n + '[' + seen[n] + ']' : n);
      }
      return segs.get(el);
    }
    function path(el) {
      var v = memo.get(el);
      if (v !== undefined) return v;
      var p = el.parentNode;
      if (!p) v = '/' + el.localName;
      else if (p.nodeType === 11) v = path(p.host) + '/#shadow-root/' + seg(el);
      else if (p.nodeType === 9) {
        var fe = null;
        try { fe = p.defaultView && p.defaultView.frameElement; } catch (e) { fe = null; }
        v = (fe ? path(fe) + '/#document' : '') + '/' + el.localName;
      } else v = path(p) + '/' + seg(el);
      memo.set(el, v);
      return v;
    }
    return path;
  }

  // ---- walking documents, shadow roots and frames ------------------------

  function frameDoc(el) {
    try { return el.contentDocument; } catch (e) { return null; }
  }

  function intersect(a, b) {
    var x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
    var x2 = Math.min(a[2], b[2]), y2 = Math.min(a[3], b[3]);
    return [x1, y1, Math.max(x1, x2), Math.max(y1, y2)];
  }

  // walk calls visit(el, tag, ctx) for every element in root, descending
  // into open shadow roots and same-origin frames in document order. ctx
  // carries the frame's offset in top-level viewport coordinates, the
  // visible clip and the frame's path.
  function walk(root, ctx, visit) {
    var all = root.querySelectorAll('*');
    for (var k = 0; k < all.length; k++) {
      var el = all[k];
      var tag = el.tagName;
      if (visit(el, tag, ctx) === false) return false;
      if (el.shadowRoot && walk(el.shadowRoot, ctx, visit) === false) return false;
      if (tag === 'IFRAME' || tag === 'FRAME') {
        var doc = frameDoc(el);
        if (doc && doc.documentElement) {
          var r = el.getBoundingClientRect();
          var ox = ctx.ox + r.left + el.clientLeft, oy = ctx.oy + r.top + el.clientTop;
          var sub = {
            ox: ox, oy: oy, win: doc.defaultView, doc: doc, frameEl: el, parent: ctx,
            clip: intersect(ctx.clip, [ox, oy, ox + el.clientWidth, oy + el.clientHeight])
          };
          if (ctx.onFrame) ctx.onFrame(sub);
          sub.onFrame = ctx.onFrame;
          if (walk(doc, sub, visit) === false) return false;
        }
      }
    }
    return true;
  }

  function topCtx() {
    return { ox: 0, oy: 0, win: window, doc: document, frameEl: null, parent: null, clip: [0, 0, window.innerWidth, window.innerHeight] };
  }

  // classify returns the element's role ('' when interactive without one)
  // or null when the element is not interactive or not rendered. For a
  // label standing in for a hidden control, the control's role is used.
  function classify(el, tag) {
    var r = role(el, tag);
    var proxy = null;
    if (r === null && tag === 'LABEL') {
      var c = el.control;
      if (c && !rendered(c)) { proxy = c; r = role(c, c.tagName); }
    }
    if (r === null && (tag === 'IFRAME' || tag === 'FRAME') && !frameDoc(el)) r = 'iframe';
    if (r === null) return null;
    var box = rendered(el);
    if (!box) return null;
    return { role: r, proxy: proxy, box: box };
  }

  // pointerRoot finds elements made clickable only by a script listener,
  // which no attribute reveals, through the pointer cursor pages give
  // them. Checking the computed style of every element would dominate the
  // observation, so only elements that show text or an image are checked;
  // from a pointer one it climbs to the outermost ancestor that still has
  // the pointer cursor (the card, not its title). Returns that element, or
  // null.
  function pointerRoot(el, tag, win) {
    if (!CURSOR_TAGS[tag] || !showsContent(el, tag)) return null;
    if (win.getComputedStyle(el).cursor !== 'pointer') return null;
    var root = el;
    for (var p = root.parentElement; p && p.tagName !== 'BODY' && win.getComputedStyle(p).cursor === 'pointer'; p = p.parentElement) root = p;
    if (role(root, root.tagName) !== null || insideInteractive(root)) return null;
    return root;
  }

  function showsContent(el, tag) {
    if (tag === 'IMG' || tag === 'svg') return true;
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && n.data.trim()) return true;
    }
    return false;
  }

  // rendered returns the element's box when it is rendered with a size,
  // else null.
  function rendered(el) {
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return null;
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? r : null;
  }

  var INTERACTIVE_SEL = 'a[href],button,input,select,textarea,summary,[role=button],[role=link],[role=checkbox],[role=radio],[role=tab],[role=menuitem],[role=option],[onclick]';

  function insideInteractive(el) {
    var p = el.parentElement;
    return !!(p && p.closest(INTERACTIVE_SEL));
  }

  function describe(el, tag, r, proxy, ctx, path, box) {
    var b = box || el.getBoundingClientRect();
    var x = b.left + ctx.ox, y = b.top + ctx.oy;
    var src = proxy || el;
    var stag = src.tagName;
    var d = { i: indexOf(el), g: el.localName, r: r };
    var n = proxy ? clip(squash(el.textContent), MAX_NAME) || name(src, stag, r) : name(el, tag, r);
    if (n) d.n = n;
    if (stag === 'INPUT' || (proxy && stag === 'INPUT')) { var t = inputType(src); if (t) d.t = t; }
    var v = value(src, stag, r);
    if (v) d.v = v;
    var ph = src.getAttribute('placeholder');
    if (ph) d.p = clip(squash(ph), MAX_ATTR);
    if ((tag === 'A' || tag === 'AREA') && el.hasAttribute('href')) d.h = clip(el.href, MAX_ATTR);
    if (r === 'iframe') d.h = clip(el.src, MAX_ATTR);
    if (isDisabled(src)) d.d = 1;
    if (isChecked(src, stag)) d.c = 1;
    if (isSelected(src, stag)) d.s = 1;
    var c = ctx.clip;
    if (x < c[2] && x + b.width > c[0] && y < c[3] && y + b.height > c[1]) d.iv = 1;
    d.b = [Math.round(x), Math.round(y), Math.round(b.width), Math.round(b.height)];
    if (ctx.frameEl) d.f = path(ctx.frameEl);
    d.pa = path(el);
    if (stag === 'SELECT') d.o = options(src);
    return d;
  }

  // ---- visible text -------------------------------------------------------

  function docText(doc) {
    var b = doc.body || doc.documentElement;
    return b ? b.innerText || '' : '';
  }

  // shadowText collects the rendered text of a shadow tree, which innerText
  // of the light DOM leaves out, following slots to their assigned nodes.
  function shadowText(root, out) {
    var kids = root.childNodes;
    for (var i = 0; i < kids.length; i++) {
      var n = kids[i];
      if (n.nodeType === 3) { if (n.data.trim()) out.push(n.data.trim()); continue; }
      if (n.nodeType !== 1) continue;
      if (n.localName === 'slot') {
        var an = n.assignedNodes({ flatten: true });
        for (var j = 0; j < an.length; j++) {
          if (an[j].nodeType === 3) { if (an[j].data.trim()) out.push(an[j].data.trim()); } else if (an[j].nodeType === 1) out.push(an[j].innerText || '');
        }
        continue;
      }
      if (n.localName === 'style' || n.localName === 'script') continue;
      if (n.shadowRoot) { shadowText(n.shadowRoot, out); continue; }
      if (n.checkVisibility && !n.checkVisibility({ visibilityProperty: true })) continue;
      out.push(n.innerText || '');
    }
  }

  // withoutSelects cuts the option lists of <select> elements out of a
  // document's text: a closed select shows only its chosen option, which
  // its element line carries with the options, and a 43-language list
  // repeated as text costs tokens and says nothing. Selects come in
  // document order, as their text does.
  function withoutSelects(text, selects) {
    var out = '', pos = 0;
    for (var i = 0; i < selects.length; i++) {
      var t = selects[i].innerText;
      if (!t || !t.trim()) continue;
      var at = text.indexOf(t, pos);
      if (at < 0) continue;
      out += text.slice(pos, at);
      pos = at + t.length;
    }
    return out + text.slice(pos);
  }

  function tidy(s) {
    return s.replace(/[ \t\u00a0]+\n/g, '\n').replace(/\n[ \t]+/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  }

  // ---- observe ------------------------------------------------------------

  function deepActive() {
    var a = document.activeElement;
    for (;;) {
      if (a && a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; continue; }
      if (a && (a.tagName === 'IFRAME' || a.tagName === 'FRAME')) {
        var d = frameDoc(a);
        if (d && d.activeElement && d.activeElement !== d.body) { a = d.activeElement; continue; }
      }
      return a;
    }
  }

  function observe(opts) {
    return whenSettled(opts.force, function (b) { return b ? BUSY : observeNow(opts); });
  }

  function observeNow(opts) {
    var path = makePather();
    var els = [];
    var extra = [];
    var ctx = topCtx();
    ctx.onFrame = function (sub) {
      var t = docText(sub.doc);
      if (t.trim()) extra.push(t);
    };
    var pointers = new Set();
    var selects = [];
    walk(document, ctx, function (el, tag, c) {
      if (tag === 'SELECT' && c.doc === document) selects.push(el);
      if (el.shadowRoot) {
        var parts = [];
        shadowText(el.shadowRoot, parts);
        var st = parts.join('\n');
        if (st.trim()) extra.push(st);
      }
      var k = classify(el, tag);
      if (k) { els.push(describe(el, tag, k.role, k.proxy, c, path, k.box)); return; }
      var pr = pointerRoot(el, tag, c.win);
      if (pr && !pointers.has(pr)) {
        pointers.add(pr);
        var box = rendered(pr);
        if (box) els.push(describe(pr, pr.tagName, 'generic', null, c, path, box));
      }
    });
    // Forget elements that are gone so the index map cannot grow without
    // bound on long-lived single-page apps.
    if (refs.size > 4 * els.length + 1000) {
      refs.forEach(function (r, i) { if (!r.deref()) refs.delete(i); });
    }
    var text = tidy(withoutSelects(docText(document), selects) + (extra.length ? '\n\n' + extra.join('\n\n') : ''));
    var de = document.documentElement;
    var out = {
      tok: token,
      url: location.href,
      title: document.title,
      vp: [window.innerWidth, window.innerHeight, Math.round(window.scrollX), Math.round(window.scrollY),
        de ? de.scrollWidth : 0, de ? de.scrollHeight : 0],
      els: els
    };
    // Slice generously (two UTF-16 units per character) and let Go cut at
    // exactly the character cap.
    if (text.length > 2 * opts.maxText) { text = text.slice(0, 2 * opts.maxText); out.tc = 1; }
    out.text = text;
    var a = deepActive();
    var ai = a ? ids.get(a) : undefined;
    if (ai !== undefined) out.foc = ai;
    if (opts.html) {
      var h = de ? de.outerHTML : '';
      if (h.length > 2 * opts.maxHTML) { h = h.slice(0, 2 * opts.maxHTML); out.hc = 1; }
      out.html = h;
    }
    return JSON.stringify(out);
  }

  // ---- finding targets ----------------------------------------------------

  function ctxOf(el) {
    // Rebuild the frame chain of el from its document up to the top.
    var chain = [];
    var doc = el.ownerDocument;
    while (doc && doc !== document) {
      var fe = null;
      try { fe = doc.defaultView.frameElement; } catch (e) { fe = null; }
      if (!fe) return null;
      chain.unshift(fe);
      doc = fe.ownerDocument;
    }
    var ctx = topCtx();
    for (var i = 0; i < chain.length; i++) {
      var f = chain[i], r = f.getBoundingClientRect();
      var ox = ctx.ox + r.left + f.clientLeft, oy = ctx.oy + r.top + f.clientTop;
      var d = frameDoc(f);
      ctx = {
        ox: ox, oy: oy, win: d.defaultView, doc: d, frameEl: f, parent: ctx,
        clip: intersect(ctx.clip, [ox, oy, ox + f.clientWidth, oy + f.clientHeight])
      };
    }
    return ctx;
  }

  // kindOf classifies one element as observe does, including elements
  // found through the pointer cursor.
  function kindOf(el, tag) {
    var k = classify(el, tag);
    if (k) return k;
    var doc = el.ownerDocument, win = doc && doc.defaultView;
    if (!win || role(el, tag) !== null || insideInteractive(el)) return null;
    if (win.getComputedStyle(el).cursor !== 'pointer') return null;
    var p = el.parentElement;
    if (p && p.tagName !== 'BODY' && win.getComputedStyle(p).cursor === 'pointer') return null;
    return rendered(el) ? { role: 'generic', proxy: null, box: null } : null;
  }

  function fail(code, message) {
    return JSON.stringify({ err: code, msg: message });
  }

  function label(d) {
    return (d.r || d.g) + (d.n ? ' "' + d.n + '"' : '');
  }

  // candidates returns the rendered interactive elements with their names.
  function candidates() {
    var out = [];
    var pointers = new Set();
    walk(document, topCtx(), function (el, tag, c) {
      var k = classify(el, tag);
      if (k) { out.push({ el: el, tag: tag, role: k.role, proxy: k.proxy, ctx: c }); return; }
      var pr = pointerRoot(el, tag, c.win);
      if (pr && !pointers.has(pr) && rendered(pr)) {
        pointers.add(pr);
        out.push({ el: pr, tag: pr.tagName, role: 'generic', proxy: null, ctx: c });
      }
    });
    return out;
  }

  function pick(list, q, key) {
    var i, exact = null, part = null;
    for (i = 0; i < list.length; i++) {
      var v = norm(key(list[i]));
      if (!v) continue;
      if (v === q) { exact = list[i]; break; }
      if (!part && v.indexOf(q) >= 0) part = list[i];
    }
    return exact || part;
  }

  // pickAny is pick over elements with several names each: an exact
  // match of any name first, then the first partial one.
  function pickAny(list, q, keys) {
    var part = null;
    for (var i = 0; i < list.length; i++) {
      var ks = keys(list[i]);
      for (var j = 0; j < ks.length; j++) {
        var v = norm(ks[j]);
        if (!v) continue;
        if (v === q) return list[i];
        if (!part && v.indexOf(q) >= 0) part = list[i];
      }
    }
    return part;
  }

  function find(req) {
    var list, hit, q;
    if (req.css) {
      var found = null, bad = null;
      walk(document, topCtx(), function (el) {
        try {
          if (el.matches(req.css)) { found = el; return false; }
        } catch (e) { bad = e; return false; }
      });
      if (bad) return { err: 'invalid', msg: 'invalid CSS selector ' + JSON.stringify(req.css) + ': ' + bad.message };
      if (!found) return { err: 'notfound', msg: 'no element matches CSS ' + JSON.stringify(req.css) };
      return { el: found };
    }
    list = candidates();
    if (req.role) {
      var r = req.role.toLowerCase();
      var same = list.filter(function (c) { return c.role === r; });
      if (!req.name) hit = same[0];
      else hit = pick(same, norm(req.name), function (c) { return name(c.proxy || c.el, (c.proxy || c.el).tagName, c.role) || (c.proxy ? c.el.textContent : ''); });
      if (!hit) return { err: 'notfound', msg: 'no ' + r + (req.name ? ' named ' + JSON.stringify(req.name) : '') + ' on the page' };
      return { el: hit.el };
    }
    if (req.label) {
      q = norm(req.label);
      var fields = list.filter(function (c) {
        var t = (c.proxy || c.el).tagName;
        return t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA' || c.role === 'textbox' || c.role === 'combobox' || c.role === 'searchbox' || c.role === 'checkbox' || c.role === 'radio' || c.role === 'switch';
      });
      hit = pickAny(fields, q, function (c) { return c.proxy ? [c.el.textContent] : fieldLabels(c.el, c.role).concat([name(c.el, c.tag, c.role)]); });
      if (!hit) return { err: 'notfound', msg: 'no field labelled ' + JSON.stringify(req.label) };
      return { el: hit.el };
    }
    if (req.text) {
      q = norm(req.text);
      hit = pick(list, q, function (c) { return name(c.proxy || c.el, (c.proxy || c.el).tagName, c.role) || c.el.textContent; });
      if (hit) return { el: hit.el };
      // Not an interactive element: the innermost rendered element whose own
      // text matches, e.g. a card title the user clicks.
      var best = null, bestPart = null;
      walk(document, topCtx(), function (el, tag) {
        if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'HEAD' || tag === 'HTML' || tag === 'BODY') return;
        var t = norm(el.textContent);
        if (!t || t.indexOf(q) < 0 || !rendered(el)) return;
        // Keep the first match in document order, narrowed to its
        // innermost element (descendants are visited after ancestors).
        if (t === q) { if (!best || best.contains(el)) best = el; } else if (!bestPart || bestPart.contains(el)) bestPart = el;
      });
      hit = best || bestPart;
      if (!hit) return { err: 'notfound', msg: 'no element with text ' + JSON.stringify(req.text) };
      return { el: hit };
    }
    return { err: 'invalid', msg: 'empty target' };
  }

  function byIndex(req) {
    if (req.tok !== token) return { err: 'stale', msg: 'the page changed since the last observation (a new document was loaded); observe again' };
    var el = lookup(req.index);
    if (!el || !el.isConnected) return { err: 'stale', msg: 'element [' + req.index + '] is no longer on the page; observe again' };
    if (req.fp) {
      var tag = el.tagName, k = kindOf(el, tag);
      var r = k ? k.role : role(el, tag);
      var src = (k && k.proxy) || el;
      var n = k && k.proxy ? clip(squash(el.textContent), MAX_NAME) || name(src, src.tagName, r) : name(el, tag, r);
      if (el.localName !== req.fp.g || (r || '') !== req.fp.r || n !== req.fp.n) {
        return { err: 'stale', msg: 'element [' + req.index + '] changed since the last observation: was ' + label(req.fp) + ', now ' + label({ g: el.localName, r: r, n: n }) + '; observe again' };
      }
    }
    return { el: el };
  }

  // ---- actionability --------------------------------------------------------

  function nextFrame() {
    return new Promise(function (resolve) {
      var done = false;
      function fin() { if (!done) { done = true; resolve(); } }
      requestAnimationFrame(fin);
      setTimeout(fin, 50);
    });
  }

  // inView: the whole box is visible, or at least its centre for boxes
  // larger than the viewport (where the press lands).
  function inView(b, c) {
    if (b.left >= c[0] && b.top >= c[1] && b.right <= c[2] && b.bottom <= c[3]) return true;
    if (b.width <= c[2] - c[0] && b.height <= c[3] - c[1]) return false;
    var cx = b.left + b.width / 2, cy = b.top + b.height / 2;
    return cx >= c[0] && cx < c[2] && cy >= c[1] && cy < c[3];
  }

  function hitOK(el, target) {
    for (var n = target; n; ) {
      if (n === el) return true;
      n = n.parentNode || n.host;
    }
    // A label hit forwards its click to its control.
    var lab = target && target.closest && target.closest('label');
    return !!(lab && lab.control === el);
  }

  function blocker(el) {
    if (!el || !el.localName) return 'another element';
    var s = '<' + el.localName;
    if (el.id) s += ' id="' + clip(el.id, 40) + '"';
    else if (typeof el.className === 'string' && el.className.trim()) s += ' class="' + clip(el.className.trim(), 60) + '"';
    return s + '>';
  }

  // check returns null when el can receive the action now, else why not.
  // On success it fills pt with the centre in top-level viewport pixels.
  function check(el, req, pt, prev) {
    var ctx = ctxOf(el);
    if (!ctx) return 'it is in a frame that is no longer reachable';
    if (!el.isConnected) return 'it was removed from the page';
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return 'it is not visible';
    var b = el.getBoundingClientRect();
    if (b.width === 0 || b.height === 0) return 'it has no size';
    if (req.action !== 'scroll' && isDisabled(el)) return 'it is disabled';
    if (req.action === 'type' && (el.readOnly || (el.getAttribute('aria-readonly') === 'true'))) return 'it is read-only';
    var local = [ctx.clip[0] - ctx.ox, ctx.clip[1] - ctx.oy, ctx.clip[2] - ctx.ox, ctx.clip[3] - ctx.oy];
    if (!inView(b, local)) {
      if (pt.scrolled) return 'it cannot be scrolled into view';
      el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
      pt.scrolled = true;
      return 'it was scrolled into view';
    }
    var cur = [Math.round(b.left + ctx.ox), Math.round(b.top + ctx.oy), Math.round(b.width), Math.round(b.height)];
    if (!prev || prev[0] !== cur[0] || prev[1] !== cur[1] || prev[2] !== cur[2] || prev[3] !== cur[3]) {
      pt.prev = cur;
      return 'it is moving';
    }
    var cx = b.left + b.width / 2, cy = b.top + b.height / 2;
    var root = el.getRootNode();
    var at = root.elementFromPoint ? root.elementFromPoint(cx, cy) : null;
    if (!hitOK(el, at)) return 'it is covered by ' + blocker(at);
    // An overlay in a parent document can cover the whole frame.
    for (var c = ctx; c.frameEl; c = c.parent) {
      var fx = cx + ctx.ox - c.parent.ox, fy = cy + ctx.oy - c.parent.oy;
      var proot = c.frameEl.getRootNode();
      var pat = proot.elementFromPoint ? proot.elementFromPoint(fx, fy) : null;
      if (pat !== c.frameEl && !hitOK(c.frameEl, pat)) return 'its frame is covered by ' + blocker(pat);
    }
    pt.x = cx + ctx.ox;
    pt.y = cy + ctx.oy;
    return null;
  }

  // resolve finds the target of an action and waits until it is actionable
  // (rendered, enabled, in view, not moving, not covered), up to req.timeout
  // milliseconds. It resolves to the element description and the point to
  // press.
  function resolve(req) {
    return Promise.resolve(whenSettled(req.force, function (b) { return b ? BUSY : resolveNow(req); }));
  }

  function resolveNow(req) {
    var f = req.index ? byIndex(req) : find(req);
    if (f.err) return Promise.resolve(fail(f.err, f.msg));
    var el = f.el;
    var tag = el.tagName;
    var k = kindOf(el, tag);
    var path = makePather();
    var desc = function () {
      var c = ctxOf(el) || topCtx();
      var kk = kindOf(el, tag) || k || { role: role(el, tag) || '', proxy: null };
      return describe(el, tag, kk.role, kk.proxy, c, path, null);
    };
    if (req.action === 'upload' || req.action === 'select' || req.action === 'locate') {
      var target = el;
      if (req.action === 'upload' && !(tag === 'INPUT' && inputType(el) === 'file')) {
        target = (tag === 'LABEL' && el.control) || el.querySelector('input[type=file]');
        if (!target || inputType(target) !== 'file') return Promise.resolve(fail('invalid', label(desc()) + ' is not a file input'));
        indexOf(target);
      }
      if (req.action === 'select' && tag !== 'SELECT') return Promise.resolve(fail('invalid', label(desc()) + ' is not a <select>; click the option instead'));
      var d0 = desc();
      d0.ti = indexOf(target);
      return Promise.resolve(JSON.stringify({ el: d0, frames: frameDepth(target) }));
    }
    var deadline = Date.now() + (req.timeout || 0);
    var pt = {};
    var prev = req.prev || null;
    function attempt() {
      var why = check(el, req, pt, prev);
      if (!why) {
        var out = { el: desc(), x: pt.x, y: pt.y, frames: frameDepth(el) };
        if (req.action === 'type') out.focused = deepActive() === el;
        return JSON.stringify(out);
      }
      if (pt.prev) { prev = pt.prev; pt.prev = null; }
      if (Date.now() >= deadline) {
        return fail('notactionable', label(desc()) + ' cannot be used: ' + why);
      }
      return nextFrame().then(attempt);
    }
    return Promise.resolve().then(attempt);
  }

  function frameDepth(el) {
    var n = 0, doc = el.ownerDocument;
    while (doc && doc !== document) {
      n++;
      var fe = null;
      try { fe = doc.defaultView.frameElement; } catch (e) { fe = null; }
      if (!fe) break;
      doc = fe.ownerDocument;
    }
    return n;
  }

  // frameAt returns, for classic WebDriver frame switching, the iframe
  // element at the given depth of the chain leading to element i (depth 0
  // is the iframe in the top document), or the element itself when depth
  // equals the chain's length.
  function frameAt(i, depth) {
    var el = lookup(i);
    if (!el) return null;
    var chain = [el];
    var doc = el.ownerDocument;
    while (doc && doc !== document) {
      var fe = doc.defaultView.frameElement;
      chain.unshift(fe);
      doc = fe.ownerDocument;
    }
    return chain[depth] || null;
  }

  // ---- editing helpers -----------------------------------------------------

  // prepareType puts the caret where typing should go: everything selected
  // when the field is to be cleared (the next trusted Backspace then deletes
  // it, with the input events a real user causes), else at the end.
  function prepareType(i, clear) {
    var el = lookup(i);
    if (!el) return fail('stale', 'element [' + i + '] is no longer on the page');
    var doc = el.ownerDocument;
    var empty = true;
    if (el.isContentEditable) {
      var sel = doc.getSelection();
      var range = doc.createRange();
      range.selectNodeContents(el);
      if (!clear) range.collapse(false);
      sel.removeAllRanges();
      sel.addRange(range);
      empty = !el.textContent;
    } else if ('value' in el) {
      empty = !el.value;
      try {
        if (clear) el.select();
        else { var n = el.value.length; el.setSelectionRange(n, n); }
      } catch (e) { /* types without a selection API, e.g. number */ }
    }
    return JSON.stringify({ empty: empty });
  }

  // forceClear empties a field whose content a selection plus Backspace
  // could not remove (e.g. a number input), announcing it like user input.
  function forceClear(i) {
    var el = lookup(i);
    if (!el) return fail('stale', 'element [' + i + '] is no longer on the page');
    var has = el.isContentEditable ? !!el.textContent : !!el.value;
    if (!has) return JSON.stringify({ cleared: false });
    if (el.isContentEditable) el.textContent = '';
    else el.value = '';
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
    return JSON.stringify({ cleared: true });
  }

  function selectOption(i, want) {
    var el = lookup(i);
    if (!el || el.tagName !== 'SELECT') return fail('stale', 'element [' + i + '] is no longer a <select> on the page');
    var q = norm(want), opts = el.options, hit = null, part = null;
    for (var j = 0; j < opts.length; j++) {
      var o = opts[j];
      if (o.value === want || norm(o.label || o.text) === q) { hit = o; break; }
      if (!part && norm(o.label || o.text).indexOf(q) >= 0) part = o;
    }
    hit = hit || part;
    if (!hit) {
      var names = [];
      for (var k = 0; k < opts.length && k < MAX_OPTIONS; k++) names.push(squash(opts[k].label || opts[k].text));
      return fail('notfound', 'no option ' + JSON.stringify(want) + ' (options: ' + names.join(', ') + ')');
    }
    if (hit.disabled) return fail('notactionable', 'option ' + JSON.stringify(squash(hit.text)) + ' is disabled');
    el.focus();
    if (el.multiple) hit.selected = true;
    else el.selectedIndex = hit.index;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
    return JSON.stringify({ chosen: squash(hit.label || hit.text) });
  }

  // scroll scrolls the page (or, when the page itself cannot move that way,
  // the scrollable element under the viewport's centre) by dx, dy pixels.
  function scroll(dx, dy) {
    var se = document.scrollingElement || document.documentElement;
    var bx = se.scrollLeft, by = se.scrollTop;
    window.scrollBy({ left: dx, top: dy, behavior: 'instant' });
    var mx = se.scrollLeft - bx, my = se.scrollTop - by;
    if (mx === 0 && my === 0) {
      var n = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2);
      for (; n && n !== se && n.nodeType === 1; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
        if ((dy && n.scrollHeight > n.clientHeight) || (dx && n.scrollWidth > n.clientWidth)) {
          var ox = n.scrollLeft, oy = n.scrollTop;
          n.scrollBy({ left: dx, top: dy, behavior: 'instant' });
          mx = n.scrollLeft - ox; my = n.scrollTop - oy;
          if (mx || my) break;
        }
      }
    }
    return JSON.stringify({ dx: Math.round(mx), dy: Math.round(my) });
  }

  function scrollTo(i) {
    var el = lookup(i);
    if (!el) return fail('stale', 'element [' + i + '] is no longer on the page');
    el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
    return JSON.stringify({});
  }

  return {
    observe: observe,
    resolve: resolve,
    frameAt: frameAt,
    element: lookup,
    prepareType: prepareType,
    forceClear: forceClear,
    selectOption: selectOption,
    scroll: scroll,
    scrollTo: scrollTo
  };
})
