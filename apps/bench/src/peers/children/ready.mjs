// Tells the parent it is up, then exits: the bare-Node peer of "Manager() ready".
process.send('ready', () => process.disconnect());
