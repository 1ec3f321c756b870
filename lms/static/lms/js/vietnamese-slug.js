// Wagtail's editor script writes "dj" for đ in the slug it builds from the title; the
// Vietnamese reading is "d". Correct the slug when it is exactly that script's version.
(function () {
  function slug(text) {
    return text
      .normalize("NFC")
      .replace(/[đð]/g, "d")
      .replace(/[ĐÐ]/g, "D")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  }
  function fix() {
    var title = document.getElementById("id_title");
    var field = document.getElementById("id_slug");
    if (!title || !field) return;
    var scripted = slug(title.value.replace(/đ/g, "dj").replace(/Đ/g, "Dj"));
    var wanted = slug(title.value);
    if (field.value === scripted && scripted !== wanted) field.value = wanted;
  }
  ["input", "change", "focusout", "keyup"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target && event.target.id === "id_title") window.setTimeout(fix, 0);
    });
  });
})();
