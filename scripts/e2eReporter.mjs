// A node:test reporter for the e2e runner: one JSON line per finished test (not per suite), named with
// its suites, `{"name":"suite > test","passed":true}`. The runner uses it beside the spec reporter.
// Plain JavaScript: node loads reporters before any loader for TypeScript is in place.
export default async function* e2eReporter(source) {
  const path = [];
  for await (const { type, data } of source) {
    if (type === 'test:start') {
      path.length = data.nesting;
      path.push(data.name);
    } else if ((type === 'test:pass' || type === 'test:fail') && data.details?.type !== 'suite') {
      const name = [...path.slice(0, data.nesting), data.name].join(' > ');
      yield `${JSON.stringify({ name, passed: type === 'test:pass' })}\n`;
    }
  }
}
