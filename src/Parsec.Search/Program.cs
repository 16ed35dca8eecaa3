// `parsec` with no arguments runs the demo search; see Cli/CommandRegistry.cs for every command.
return Parsec.Search.Cli.CliApp.Run(args);
