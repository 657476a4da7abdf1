// A bare Node process that says it is up, then exits: the peer of "Manager() ready".
process.send('ready', () => process.disconnect());
