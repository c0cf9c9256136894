// Integration tests talk to real servers: give them room, the assertions still bound what they wait for.
jest.setTimeout(60_000);
