/** Entry of the `webhook-studio` command line. */
process.stdout.write('webhook-studio\n');
