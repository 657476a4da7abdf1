export function rss() {
  process.stdout.write(`${process.memoryUsage().rss}\n`);
}
