// Render every formula given on stdin (JSON: [{where, tex, display}]) with the vendored KaTeX; print the failures.
const path = require("path");
const katex = require(path.resolve(process.argv[2]));
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const failures = [];
  for (const { where, tex, display } of JSON.parse(input)) {
    try {
      katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "ignore" });
    } catch (e) {
      failures.push({ where, tex, error: String(e.message || e) });
    }
  }
  process.stdout.write(JSON.stringify({ version: katex.version, failures }));
});
