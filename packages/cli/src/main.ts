process.stdout.write('payrail: not built yet\n'); process.exitCode = 1;
