// An empty script: the bare child_process.fork peer of the start figures.
