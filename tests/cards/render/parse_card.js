// Parses an Adaptive Card (JSON on stdin) with the npm `adaptivecards` library, as a client does, and prints
// what it found: parse events (unknown elements, bad values) and validation events, as JSON on stdout.
const path = require("path");
const AC = require(path.join(process.cwd(), "node_modules/adaptivecards/dist/adaptivecards.js"));

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(JSON.parse(input), context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    events.push({ event: e.event, message: e.message });
  }
  const validation = card.validateProperties().validationEvents.map((e) => ({ event: e.event, message: e.message }));
  process.stdout.write(JSON.stringify({ events, validation, version: card.version ? card.version.toString() : null }));
});
