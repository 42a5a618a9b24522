// Vigil console: progressive enhancement only. Every page works without this file; with it,
// pages that carry [data-live] follow the incident feed (server-sent events) and re-render
// that region from the server, and "Copy" buttons appear next to integration endpoints.
(function () {
  'use strict';

  function liveRegion() {
    return document.querySelector('[data-live]');
  }

  // Fetch this page again and swap the live region, keeping the keyboard focus where it was.
  function refresh() {
    var current = liveRegion();
    if (!current) return;
    var active = document.activeElement;
    if (active && current.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) {
      pending = true; // someone is typing in the region: try again when they leave it
      return;
    }
    var focusHref = active && current.contains(active) ? active.getAttribute('href') : null;
    fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) {
        return res.ok ? res.text() : Promise.reject(new Error('HTTP ' + res.status));
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live]');
        var now = liveRegion();
        if (!next || !now) return;
        now.replaceWith(document.importNode(next, true));
        document.documentElement.setAttribute('data-refreshed', String(Date.now()));
        if (focusHref) {
          var again = liveRegion().querySelector('[href="' + CSS.escape(focusHref) + '"]');
          if (again) again.focus();
        }
      })
      .catch(function () {
        /* the next event tries again */
      });
  }

  var timer = null;
  var pending = false;
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  }
  document.addEventListener('focusout', function () {
    if (pending) {
      pending = false;
      setTimeout(soon, 0);
    }
  });

  function follow() {
    var region = liveRegion();
    if (!region || !window.EventSource) return;
    var only = region.getAttribute('data-incident');
    var source = new EventSource('/events');
    source.addEventListener('incident', function (ev) {
      var data = JSON.parse(ev.data);
      if (!only || data.incidentId === only) soon();
    });
    source.addEventListener('reset', soon);
    source.addEventListener('open', function () {
      document.documentElement.setAttribute('data-live-connected', 'true');
    });
  }

  function copyButtons() {
    var buttons = document.querySelectorAll('button[data-copy]');
    Array.prototype.forEach.call(buttons, function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        var field = document.getElementById(button.getAttribute('data-copy'));
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = 'Copied';
          setTimeout(function () {
            button.textContent = 'Copy';
          }, 1500);
        });
      });
    });
  }

  follow();
  copyButtons();
})();
