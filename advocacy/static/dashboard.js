// Draws the dashboard's Plotly figures. The page carries each figure as JSON in a
// <script type="application/json"> block, so the page itself needs no inline code
// (a Content-Security-Policy can forbid inline scripts).
(function () {
  "use strict";

  function draw() {
    var targets = document.querySelectorAll(".figure[data-spec]");
    for (var i = 0; i < targets.length; i++) {
      var target = targets[i];
      var source = document.getElementById(target.getAttribute("data-spec"));
      if (!source) {
        continue;
      }
      try {
        var spec = JSON.parse(source.textContent);
        Plotly.newPlot(target, spec.data, spec.layout, { responsive: true, displaylogo: false });
      } catch (error) {
        // One broken figure must not keep the others from drawing.
        target.textContent = "This figure could not be drawn.";
        if (window.console) {
          console.error("figure", target.id, error);
        }
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
