// The photo form's focal point: a click on the preview sets the hidden focal_x / focal_y
// fields (fractions of the width and height) and moves the marker there. No inline
// script or style: the marker is placed through the CSSOM, which the CSP allows.
(function () {
  "use strict";

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function setUp(picker) {
    var image = picker.querySelector(".focal-picker__image");
    var marker = picker.querySelector(".focal-picker__marker");
    var fieldX = document.getElementById("id_focal_x");
    var fieldY = document.getElementById("id_focal_y");
    if (!image || !marker || !fieldX || !fieldY) {
      return;
    }

    function show(x, y) {
      marker.style.left = (x * 100).toFixed(2) + "%";
      marker.style.top = (y * 100).toFixed(2) + "%";
      picker.classList.add("focal-picker--set");
    }

    show(parseFloat(fieldX.value || picker.dataset.x), parseFloat(fieldY.value || picker.dataset.y));
    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      var x = clamp((event.clientX - box.left) / box.width);
      var y = clamp((event.clientY - box.top) / box.height);
      fieldX.value = x.toFixed(4);
      fieldY.value = y.toFixed(4);
      show(x, y);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-picker]").forEach(setUp);
  });
})();
