// The part of plotly.js the public dashboards draw with: the core (scatter charts) and the three
// other trace types the shared components use. Built into plotly-core.min.js by build-plotly-core.sh.
var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/heatmap"),
  require("plotly.js/lib/scatterpolar"),
]);

export default Plotly;
