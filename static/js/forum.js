// A link to #post-<id> whose post is on another page of the thread: ask the server for
// that post's page (?post=<id>), which keeps addresses of posts stable across pages.
(function () {
  var match = /^#post-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById("post-" + match[1])) return;
  var posts = document.querySelector("[data-thread-url]");
  if (!posts) return;
  window.location.replace(posts.dataset.threadUrl + "?post=" + match[1] + "#post-" + match[1]);
})();

// @mentions: typing @ in a message proposes the committee's members (a listbox under the
// text: arrows to move, Enter or Tab to choose, Escape to close); the choice is written
// @[First Last], which the server reads.
(function () {
  var source = document.getElementById("mentionable");
  if (!source) return;
  var names = JSON.parse(source.textContent);
  var plain = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  document.querySelectorAll("textarea[name=body]").forEach(function (area) {
    var list = document.createElement("ul");
    list.id = area.id + "-mentions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", document.documentElement.lang === "en" ? "Members" : "Membres");
    list.hidden = true;
    area.insertAdjacentElement("afterend", list);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var shown = [], active = -1, start = -1;

    function close() {
      list.hidden = true;
      shown = [];
      active = -1;
      area.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) area.setAttribute("aria-activedescendant", list.children[index].id);
    }
    function choose(index) {
      var name = shown[index];
      var before = area.value.slice(0, start), after = area.value.slice(area.selectionStart);
      var inserted = "@[" + name + "] ";
      area.value = before + inserted + after;
      var caret = before.length + inserted.length;
      area.setSelectionRange(caret, caret);
      close();
      area.focus();
    }
    function update() {
      var before = area.value.slice(0, area.selectionStart);
      var match = /(^|\s)@\[?([^\s@\[\]][^@\[\]\n]{0,29}|)$/.exec(before);
      if (!match) return close();
      start = before.length - match[0].length + match[1].length;
      var typed = plain(match[2]);
      shown = names.filter(function (name) {
        return plain(name).split(/\s+/).some(function (word) { return word.indexOf(typed) === 0; })
          || plain(name).indexOf(typed) === 0;
      }).slice(0, 8);
      if (!shown.length) return close();
      list.innerHTML = "";
      shown.forEach(function (name, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      highlight(0);
    }
    area.addEventListener("input", update);
    area.addEventListener("blur", close);
    area.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + shown.length) % shown.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active < 0 ? 0 : active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
  });
})();
