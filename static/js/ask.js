// Show 112 and Veilig Thuis the moment "not safe at home" is ticked.
// Without JavaScript the same alert appears after the step is sent.
(function () {
  "use strict";
  var alertBox = document.getElementById("unsafe-alert");
  if (!alertBox) { return; }
  var boxes = document.querySelectorAll('input[name="urgent_situations"]');
  function update() {
    var unsafe = false;
    boxes.forEach(function (box) { if (box.value === "unsafe" && box.checked) { unsafe = true; } });
    alertBox.hidden = !unsafe;
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
})();
