// The person picker (apps/people/widgets.py): a WAI-ARIA 1.2 combobox. htmx fetches the
// suggestions as you type (hx-get on the box); this file does the rest: arrow keys move through
// the options (aria-activedescendant), Enter or a click chooses one (its public id goes into the
// hidden input), Escape closes the list, and typing anything else clears the choice. Without it
// the box is a plain text field that takes a staff number or an e-mail address. The several-people
// variant (PeoplePickerWidget) ticks a box per chosen person instead.
(function () {
  "use strict";
  if (window.pmsysPersonPicker) return; // the widget includes this file once per picker
  window.pmsysPersonPicker = true;

  function parts(element) {
    var root = element && element.closest ? element.closest("[data-person-picker]") : null;
    if (!root) return null;
    return {
      root: root,
      input: root.querySelector('[role="combobox"]'),
      hidden: root.querySelector("[data-person-picker-value]"), // one person: their public id
      chosen: root.querySelector("[data-person-picker-chosen]"), // several: a ticked box each
      list: root.querySelector('[role="listbox"]'),
      status: root.querySelector("[data-person-picker-status]"),
    };
  }

  function choosable(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  }

  function active(p) {
    return p.list.querySelector('[role="option"][aria-selected="true"]');
  }

  function setActive(p, option) {
    var current = active(p);
    if (current) current.setAttribute("aria-selected", "false");
    if (option) {
      option.setAttribute("aria-selected", "true");
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function open(p) {
    if (!p.list.children.length) return close(p);
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
  }

  function close(p) {
    setActive(p, null);
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
  }

  function choose(p, option) {
    if (p.chosen) return add(p, option);
    p.hidden.value = option.getAttribute("data-value");
    p.input.value = option.getAttribute("data-label");
    p.input.setAttribute("data-chosen-label", p.input.value);
    close(p);
    p.status.textContent = p.input.value + " chosen.";
    p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Several people: tick the chosen person's box (a new one if they were not chosen yet) and
  // empty the search box for the next name.
  function add(p, option) {
    var value = option.getAttribute("data-value");
    var label = option.getAttribute("data-label");
    var box = Array.prototype.find.call(p.chosen.querySelectorAll('input[type="checkbox"]'), function (input) {
      return input.value === value;
    });
    if (!box) {
      var item = document.createElement("li");
      var wrapper = document.createElement("label");
      box = document.createElement("input");
      box.type = "checkbox";
      box.name = p.root.getAttribute("data-name");
      box.value = value;
      wrapper.appendChild(box);
      wrapper.appendChild(document.createTextNode(" " + label));
      item.appendChild(wrapper);
      p.chosen.appendChild(item);
    }
    box.checked = true;
    p.input.value = "";
    close(p);
    p.list.innerHTML = "";
    p.status.textContent = label + " added.";
  }

  function move(p, step) {
    var options = choosable(p);
    if (!options.length) return;
    if (p.list.hidden) open(p);
    var index = options.indexOf(active(p));
    if (index === -1) index = step > 0 ? 0 : options.length - 1;
    else index = (index + step + options.length) % options.length;
    setActive(p, options[index]);
  }

  document.addEventListener("input", function (event) {
    var p = parts(event.target);
    if (!p || event.target !== p.input) return;
    if (p.hidden && p.input.value !== p.input.getAttribute("data-chosen-label")) {
      // Typing something else un-chooses: the hidden id no longer stands for the text.
      p.hidden.value = "";
      p.input.setAttribute("data-chosen-label", "");
    }
    if (!p.input.value.trim()) {
      close(p);
      p.list.innerHTML = "";
      p.status.textContent = "";
    }
  });

  document.addEventListener("keydown", function (event) {
    var p = parts(event.target);
    if (!p || event.target !== p.input) return;
    if (event.key === "ArrowDown" || event.key === "Down") {
      event.preventDefault();
      move(p, 1);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      event.preventDefault();
      move(p, -1);
    } else if (event.key === "Enter") {
      var option = !p.list.hidden && active(p);
      if (option) {
        event.preventDefault(); // choose; do not submit the form
        choose(p, option);
      } else if (!p.list.hidden) {
        close(p);
      }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (!p.list.hidden) {
        event.preventDefault(); // a type=search box would also empty itself
        close(p);
      }
    }
  });

  // Keep the focus in the box while an option is clicked, then choose it.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".person-picker__list")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('[role="option"]');
    var p = parts(option);
    if (!p || option.getAttribute("aria-disabled") === "true") return;
    choose(p, option);
    p.input.focus();
  });

  document.addEventListener("focusout", function (event) {
    var p = parts(event.target);
    if (!p) return;
    setTimeout(function () {
      if (!p.root.contains(document.activeElement)) close(p);
    }, 0);
  });

  // htmx: ask with the typed text as q (the URL carries the scope); nothing to ask for an empty
  // box or for the label just chosen.
  document.addEventListener("htmx:configRequest", function (event) {
    var p = parts(event.detail.elt);
    if (!p || event.detail.elt !== p.input) return;
    var typed = p.input.value.trim();
    if (!typed || p.input.value === p.input.getAttribute("data-chosen-label")) {
      event.preventDefault();
      return;
    }
    event.detail.parameters = { q: typed };
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts(event.detail.target);
    if (!p || event.detail.target !== p.list) return;
    p.list.querySelectorAll('[role="option"]').forEach(function (option, index) {
      option.id = p.list.id + "_option" + index;
    });
    setActive(p, null);
    // A late answer, after a choice or after the focus left the box, stays closed.
    var chosen = p.hidden && p.hidden.value && p.input.value === p.input.getAttribute("data-chosen-label");
    if (chosen || document.activeElement !== p.input) return close(p);
    open(p);
    var count = choosable(p).length;
    if (count) {
      var more = p.list.querySelector('[aria-disabled="true"]') ? " (and more)" : "";
      p.status.textContent = count + (count === 1 ? " person" : " people") + more +
        " found: use the up and down arrow keys to choose.";
    } else {
      p.status.textContent = p.list.textContent.trim();
    }
  });
})();
