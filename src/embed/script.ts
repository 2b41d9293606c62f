// /embed.js (issue #31, docs/DESIGN.md "Embed"): the one script a host puts on their own site. No framework, no build
// step, served as written (under 10 KB: test/embed.test.ts). It frames `<origin>/<link>?embed=1` three ways:
//   <div data-calflare-inline="demo/30min"></div>                      inline, as tall as the page inside it
//   <button data-calflare-popup="demo/30min">Book</button>             a modal <dialog> on click
//   <div data-calflare-floating="demo/30min" data-calflare-label="Book a call"></div>   a floating button opening it
// or from code: Calflare.inline(element, link), Calflare.popup(link), Calflare.floating(link, label).
// A link may carry prefill and UTM values (`demo/30min?name=Ada&email=ada@example.com&utm_source=site`); the
// page's own utm_* parameters are passed on when the link has none.
//
// It accepts a message only from the origin it was loaded from and only from one of its own frames (event.origin
// and event.source), and re-dispatches the page's events on the embedding element and on window as CustomEvents
// (`calflare:booking_successful` with { uid, start, end, status }, `calflare:date_selected` with { date },
// `calflare:page_height` with { height }, `calflare:booking_rescheduled`, `calflare:close`). On `calflare:close` (Escape
// pressed inside the frame) a popup holding that frame closes.
export const EMBED_JS = `(function () {
  "use strict";
  if (window.Calflare) return;
  var script = document.currentScript;
  var ORIGIN = new URL(script ? script.src : location.href).origin;
  var frames = [];

  function src(link) {
    var url = new URL(String(link).replace(/^\\/+/, ""), ORIGIN + "/");
    if (url.origin !== ORIGIN) throw new Error("calflare: a link is a path on " + ORIGIN);
    url.searchParams.set("embed", "1");
    var page = new URLSearchParams(location.search);
    ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (k) {
      if (!url.searchParams.has(k) && page.get(k)) url.searchParams.set(k, page.get(k));
    });
    return url.href;
  }

  function frame(link, target, title) {
    var f = document.createElement("iframe");
    f.src = src(link);
    f.title = title || "Book a meeting";
    f.setAttribute("loading", "lazy");
    f.style.cssText = "border:0;width:100%;min-height:320px;display:block;color-scheme:normal";
    frames.push({ frame: f, target: target });
    return f;
  }

  window.addEventListener("message", function (e) {
    if (e.origin !== ORIGIN || !e.data || typeof e.data.type !== "string" || e.data.type.indexOf("calflare:") !== 0) return;
    for (var i = 0; i < frames.length; i++) {
      var entry = frames[i];
      if (entry.frame.contentWindow !== e.source) continue;
      var data = e.data.data || {};
      if (e.data.type === "calflare:page_height" && typeof data.height === "number") {
        entry.frame.style.height = Math.max(120, Math.min(data.height, 20000)) + "px";
      }
      // Escape inside the popup's frame closes it, as Escape outside it does (the frame keeps the key to itself).
      if (e.data.type === "calflare:close" && dialog && dialog.open && entry.frame.parentNode === dialog) dialog.close();
      entry.target.dispatchEvent(new CustomEvent(e.data.type, { detail: data, bubbles: true }));
      if (!document.documentElement.contains(entry.target)) window.dispatchEvent(new CustomEvent(e.data.type, { detail: data }));
      return;
    }
  });

  function inline(el, link) {
    if (typeof el === "string") el = document.querySelector(el);
    el.textContent = "";
    var f = frame(link, el, el.getAttribute("data-calflare-title"));
    el.appendChild(f);
    return f;
  }

  var dialog;
  function popup(link, opener) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.setAttribute("aria-label", "Book a meeting");
      dialog.style.cssText = "padding:0;border:0;border-radius:12px;width:min(820px,96vw);max-height:92vh;overflow:auto;background:Canvas";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "\\u00d7";
      close.setAttribute("aria-label", "Close");
      close.style.cssText = "position:sticky;top:0;float:right;z-index:1;font:24px/1 system-ui,sans-serif;padding:6px 12px;border:0;background:transparent;cursor:pointer;color:CanvasText";
      close.addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("close", function () {
        var f = dialog.querySelector("iframe");
        if (f) f.remove();
        if (dialog.opener && dialog.opener.focus) dialog.opener.focus();
      });
      dialog.appendChild(close);
      document.body.appendChild(dialog);
    }
    var old = dialog.querySelector("iframe");
    if (old) old.remove();
    dialog.opener = opener || document.activeElement;
    var f = frame(link, opener || dialog, opener && opener.getAttribute("data-calflare-title"));
    f.setAttribute("loading", "eager");
    dialog.appendChild(f);
    dialog.showModal();
    return f;
  }

  function floating(link, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label || "Book a meeting";
    b.setAttribute("data-calflare-button", "");
    b.style.cssText = "position:fixed;bottom:20px;inset-inline-end:20px;z-index:2147483000;padding:12px 20px;border:0;border-radius:999px;font:600 15px system-ui,sans-serif;background:#2357d9;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer";
    b.addEventListener("click", function () { popup(link, b); });
    document.body.appendChild(b);
    return b;
  }

  function scan() {
    document.querySelectorAll("[data-calflare-inline]").forEach(function (el) {
      if (!el.querySelector("iframe")) inline(el, el.getAttribute("data-calflare-inline"));
    });
    document.querySelectorAll("[data-calflare-popup]").forEach(function (el) {
      if (el.calflare) return;
      el.calflare = true;
      el.addEventListener("click", function (e) { e.preventDefault(); popup(el.getAttribute("data-calflare-popup"), el); });
    });
    document.querySelectorAll("[data-calflare-floating]").forEach(function (el) {
      if (el.calflare) return;
      el.calflare = true;
      floating(el.getAttribute("data-calflare-floating"), el.getAttribute("data-calflare-label"));
    });
  }

  window.Calflare = { origin: ORIGIN, inline: inline, popup: popup, floating: floating, scan: scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
`;
