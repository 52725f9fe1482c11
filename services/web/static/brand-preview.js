// Live preview of the branding form (/beheer/huisstijl): as the colours and the name change,
// the components in the preview box follow. The box's data-tokens names each design token
// /theme.css sets and the colour it takes (primary, on-primary, primary-hover, accent,
// on-accent); this script sets the same tokens on the box, with the text colour (black or
// white) and the hover shade the server derives, and notes when links in the primary colour
// would be hard to read on white. The server renders the same preview without this script,
// and checks the colours again on saving.
(function () {
  "use strict";
  var preview = document.getElementById("brand-preview");
  var primary = document.getElementById("primary_color");
  var accent = document.getElementById("accent_color");
  var nameInput = document.getElementById("display_name");
  var name = document.getElementById("brand-preview-name");
  var note = document.getElementById("contrast-note");
  if (!preview || !primary || !accent) return;
  var tokens = {};
  try {
    tokens = JSON.parse(preview.dataset.tokens || "{}");
  } catch (e) {
    tokens = {};
  }

  function parse(value) {
    var v = value.trim().toLowerCase();
    return /^#[0-9a-f]{6}$/.test(v) ? v : null;
  }
  function channel(hex, i) {
    var c = parseInt(hex.substr(1 + 2 * i, 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function luminance(hex) {
    return 0.2126 * channel(hex, 0) + 0.7152 * channel(hex, 1) + 0.0722 * channel(hex, 2);
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function readable(hex) {
    return contrast(hex, "#ffffff") >= contrast(hex, "#000000") ? "#ffffff" : "#000000";
  }
  // A fifth of the way to black, or to white when the text on it is black.
  function shade(hex, text) {
    var target = text === "#ffffff" ? 0 : 255;
    var out = "#";
    for (var i = 0; i < 3; i++) {
      var c = parseInt(hex.substr(1 + 2 * i, 2), 16);
      out += ("0" + Math.floor((c * 4 + target) / 5).toString(16)).slice(-2);
    }
    return out;
  }
  function update() {
    var p = parse(primary.value), a = parse(accent.value);
    var colors = {};
    if (p) {
      colors.primary = p;
      colors["on-primary"] = readable(p);
      colors["primary-hover"] = shade(p, colors["on-primary"]);
    }
    if (a) {
      colors.accent = a;
      colors["on-accent"] = readable(a);
    }
    Object.keys(tokens).forEach(function (token) {
      var color = colors[tokens[token]];
      if (color) preview.style.setProperty(token, color);
    });
    if (name && nameInput) name.textContent = nameInput.value;
    if (note) {
      var messages = [];
      if (!p) messages.push(primary.dataset.invalid || "");
      else if (contrast(p, "#ffffff") < 4.5) messages.push(primary.dataset.lowContrast || "");
      if (!a) messages.push(accent.dataset.invalid || "");
      note.textContent = messages.filter(Boolean).join(" ");
    }
  }
  [primary, accent, nameInput].forEach(function (input) {
    if (input) input.addEventListener("input", update);
  });
  update();
})();
