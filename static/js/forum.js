// A link to #post-<id> whose post is on another page of the thread: ask the server for
// that post's page (?post=<id>), which keeps addresses of posts stable across pages.
(function () {
  var match = /^#post-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById("post-" + match[1])) return;
  var posts = document.querySelector("[data-thread-url]");
  if (!posts) return;
  window.location.replace(posts.dataset.threadUrl + "?post=" + match[1] + "#post-" + match[1]);
})();
