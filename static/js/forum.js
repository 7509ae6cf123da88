// A link to #post-<id> whose post is on another page of the thread: ask the server for
// that post's page (?post=<id>), which keeps addresses of posts stable across pages.
(function () {
  var match = /^#post-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById("post-" + match[1])) return;
  var posts = document.querySelector("[data-thread-url]");
  if (!posts) return;
  window.location.replace(posts.dataset.threadUrl + "?post=" + match[1] + "#post-" + match[1]);
})();

// Suggestions while writing a message, in one listbox under the text (arrows to move, Enter
// or Tab to choose, Escape to close; how many there are is announced). Typing @ proposes the
// committee's members, written @[First Last], which the server reads. Typing # (or [[) and
// two letters proposes the resources and territories whose name starts so (the server's
// data-links address finds them), written as a Markdown link to their page. Without
// JavaScript, both are typed by hand.
(function () {
  var english = document.documentElement.lang === "en";
  var plain = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var source = document.getElementById("mentionable");
  var names = source ? JSON.parse(source.textContent) : null;

  // A source: the text before the caret that opens it (its last group is what was typed),
  // and find(typed, done), which calls done with [{text, detail, insert}].
  var members = names && {
    label: english ? "Members" : "Membres",
    pattern: /(^|\s)@\[?([^\s@\[\]][^@\[\]\n]{0,29}|)$/,
    find: function (typed, done) {
      typed = plain(typed);
      done(names.filter(function (name) {
        return plain(name).split(/\s+/).some(function (word) { return word.indexOf(typed) === 0; })
          || plain(name).indexOf(typed) === 0;
      }).slice(0, 8).map(function (name) {
        return { text: name, insert: "@[" + name + "] " };
      }));
    },
  };

  function pages(url) {
    var found = Object.create(null), timer = null, asking = null;
    return {
      label: english ? "Resources and territories" : "Ressources et territoires",
      pattern: /(^|\s)(?:#|\[\[)([^\s#\[\]][^#\[\]\n]{1,59})$/,
      find: function (typed, done) {
        var key = typed.trim().toLowerCase();
        clearTimeout(timer);
        if (asking) asking.abort();
        if (found[key]) return done(found[key]);
        // Nothing starts with « nan »: nothing starts with « nant » either.
        for (var known in found) {
          if (!found[known].length && key.indexOf(known) === 0) return done([]);
        }
        timer = setTimeout(function () {
          asking = new AbortController();
          fetch(url + "?q=" + encodeURIComponent(key), {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
            signal: asking.signal,
          })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
              if (!data) return done([]);  // refused or failed: asked again next time
              found[key] = data.results.map(function (item) {
                return { text: item.label, detail: item.kind, insert: item.markdown + " " };
              });
              done(found[key]);
            })
            .catch(function () {});
        }, 200);
      },
    };
  }

  document.querySelectorAll("textarea[name=body]").forEach(function (area) {
    var form = area.closest("[data-links]");
    var sources = [members, form && pages(form.dataset.links)].filter(Boolean);
    if (!sources.length) return;
    var list = document.createElement("ul");
    list.id = area.id + "-suggestions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var shown = [], active = -1, start = -1, asked = 0;

    function close() {
      asked += 1;  // answers still on their way are for a text no longer there
      if (list.hidden) return;
      list.hidden = true;
      shown = [];
      active = -1;
      status.textContent = "";
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
      var before = area.value.slice(0, start), after = area.value.slice(area.selectionStart);
      var inserted = shown[index].insert;
      area.value = before + inserted + after;
      var caret = before.length + inserted.length;
      area.setSelectionRange(caret, caret);
      close();
      area.focus();
    }
    function show(found, label) {
      shown = found;
      if (!shown.length) return close();
      list.setAttribute("aria-label", label);
      list.replaceChildren();
      shown.forEach(function (choice, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = choice.text;
        if (choice.detail) {
          var detail = document.createElement("span");
          detail.className = "suggestion-kind";
          detail.textContent = " — " + choice.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      highlight(0);
      var count = shown.length + " suggestion" + (shown.length > 1 ? "s" : "");
      status.textContent = english
        ? label + ": " + count + ", arrows to move, Enter to choose."
        : label + " : " + count + ", flèches pour parcourir, Entrée pour choisir.";
    }
    function update() {
      var before = area.value.slice(0, area.selectionStart);
      for (var s = 0; s < sources.length; s += 1) {
        var match = sources[s].pattern.exec(before);
        if (!match) continue;
        var ticket = (asked += 1), label = sources[s].label;
        start = before.length - match[0].length + match[1].length;
        sources[s].find(match[2], function (found) {
          if (ticket === asked) show(found, label);
        });
        return;
      }
      close();
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
