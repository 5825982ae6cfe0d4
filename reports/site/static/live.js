// The Workbook page: replace the problems with the server's new list after each save
// (server-sent events from /workbook/events; without them, ask every two seconds).
(function () {
  "use strict";
  var box = document.getElementById("problems");
  if (!box) { return; }
  function show(html) { box.innerHTML = html; }
  function signedOut() { window.location.assign("/signin?next=/workbook"); }
  if (window.EventSource) {
    var source = new EventSource("/workbook/events");
    source.addEventListener("problems", function (event) { show(event.data); });
    source.addEventListener("signed-out", function () { source.close(); signedOut(); });
    return;
  }
  window.setInterval(function () {
    fetch("/workbook/problems", { credentials: "same-origin" }).then(function (response) {
      if (response.status === 401) { signedOut(); return null; }
      return response.ok ? response.text() : null;
    }).then(function (html) { if (html) { show(html); } });
  }, 2000);
}());
