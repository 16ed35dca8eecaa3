// `parsec` with no arguments runs the demo search; see Cli/CommandRegistry.cs for every command.
// Every line printed also goes to run.log in the run folder the command works in.
Parsec.Search.RunFiles.RunTranscript.Install();
return Parsec.Search.Cli.CliApp.Run(args);
