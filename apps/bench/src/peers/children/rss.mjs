// A bare node process reports its RSS in MiB: the memory peer of child_rss_mb.
process.stdout.write(String(process.memoryUsage().rss / 1048576));
